// Tenant domain → Entra tenant id through the tenant's OpenID configuration on its cloud's login host
// (microsoft-graph-intune.md §4.3). Never throws for an answer Microsoft gives: every outcome is a result with a
// reason an administrator can act on.
import type { Cloud, CloudOverrides } from "./clouds.js";
import { cloudEndpoints, cloudName } from "./clouds.js";

export type DiscoveryResult =
  | {
      ok: true;
      domain: string;
      cloud: Cloud;
      tenantId: string;
      issuer: string;
      msgraphHost?: string;
      /** Where the tenant publishes its ID-token signing keys. */
      jwksUri?: string;
    }
  | {
      ok: false;
      domain: string;
      cloud: Cloud;
      kind: "invalid_domain" | "not_found" | "wrong_cloud" | "unreachable";
      reason: string;
    };

export interface DiscoveryDeps {
  microsoft: CloudOverrides;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A tenant domain (contoso.onmicrosoft.com, contoso.com) or a tenant id, lower-cased; or why it is not one. */
export function validateTenantDomain(input: string): { ok: true; domain: string } | { ok: false; reason: string } {
  const domain = input.trim().toLowerCase().replace(/\.$/, "");
  if (new RegExp(`^${GUID.source}$`, "i").test(domain)) return { ok: true, domain };
  const labels = domain.split(".");
  const tld = labels[labels.length - 1];
  if (
    domain.length === 0 ||
    domain.length > 253 ||
    labels.length < 2 ||
    !labels.every((l) => LABEL.test(l)) ||
    !/^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)
  ) {
    return {
      ok: false,
      reason: `"${input.trim().slice(0, 80)}" is not a tenant domain: enter a domain such as contoso.onmicrosoft.com`,
    };
  }
  return { ok: true, domain };
}

/** Which cloud a `cloud_instance_name` belongs to; undefined for values we do not know (the table is UNCONFIRMED). */
function cloudsOfInstance(name: unknown): Cloud[] | undefined {
  switch (typeof name === "string" ? name.toLowerCase() : "") {
    case "microsoftonline.com":
      return ["global"];
    case "microsoftonline.us":
      return ["usgov", "usgov-dod"];
    case "partner.microsoftonline.cn":
    case "chinacloudapi.cn":
      return ["china"];
    default:
      return undefined;
  }
}

export async function discoverTenant(input: string, cloud: Cloud, deps: DiscoveryDeps): Promise<DiscoveryResult> {
  const valid = validateTenantDomain(input);
  const domain = valid.ok ? valid.domain : input.trim();
  const fail = (kind: Exclude<DiscoveryResult, { ok: true }>["kind"], reason: string): DiscoveryResult => ({
    ok: false,
    domain,
    cloud,
    kind,
    reason,
  });
  if (!valid.ok) return fail("invalid_domain", valid.reason);

  const { loginUrl } = cloudEndpoints(cloud, deps.microsoft);
  const url = `${loginUrl}/${encodeURIComponent(domain)}/v2.0/.well-known/openid-configuration`;
  let status: number;
  let body: Record<string, unknown>;
  try {
    const res = await (deps.fetch ?? fetch)(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000),
    });
    status = res.status;
    body = ((await res.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
  } catch (err) {
    return fail(
      "unreachable",
      `Microsoft Entra ID (${cloudName(cloud)}) could not be reached: ${(err as Error).message}`,
    );
  }

  const codes = Array.isArray(body.error_codes) ? body.error_codes : [];
  const description = typeof body.error_description === "string" ? body.error_description : "";
  if (codes.includes(90002) || /AADSTS90002/.test(description) || body.error === "invalid_tenant" || status === 404) {
    return fail(
      "not_found",
      `domain not found in Microsoft Entra ID (${cloudName(cloud)}): check the spelling, and that the tenant is in this cloud`,
    );
  }
  if (status >= 500 || status === 429) {
    return fail("unreachable", `Microsoft Entra ID (${cloudName(cloud)}) is unavailable (HTTP ${status}); will retry`);
  }
  const issuer = typeof body.issuer === "string" ? body.issuer : "";
  const tenantId = (GUID.exec(issuer) ?? GUID.exec(String(body.token_endpoint ?? "")))?.[0]?.toLowerCase();
  if (status !== 200 || !tenantId) {
    const why = description.split("\n")[0].slice(0, 200) || `HTTP ${status}`;
    return fail("unreachable", `Microsoft Entra ID (${cloudName(cloud)}) gave no tenant id for this domain: ${why}`);
  }
  const home = cloudsOfInstance(body.cloud_instance_name);
  if (home && !home.includes(cloud)) {
    return fail(
      "wrong_cloud",
      `this tenant belongs to the ${home.map(cloudName).join(" or ")} cloud, not ${cloudName(cloud)}: choose its cloud in the form`,
    );
  }
  const msgraphHost = typeof body.msgraph_host === "string" ? body.msgraph_host : undefined;
  const jwksUri = typeof body.jwks_uri === "string" ? body.jwks_uri : undefined;
  return { ok: true, domain, cloud, tenantId, issuer, msgraphHost, jwksUri };
}
