// 4me (Xurrent) hosts per domain and region. Pure: derives URLs, does no I/O.
// Host pattern `https://<service>.<region.>domain` (4me-platform.md §1).

export const FOURME_DOMAINS = [
  "4me.com",
  "xurrent.com",
  "4me.qa",
  "xurrent.qa",
  "4me-demo.com",
  "xurrent-demo.com",
  "4me-staging.com",
  "xurrent-staging.com",
] as const;
export type FourMeDomain = (typeof FOURME_DOMAINS)[number];

export const FOURME_REGIONS = ["au", "uk", "ch", "us"] as const;
export type FourMeRegion = (typeof FOURME_REGIONS)[number];

export interface FourMeEndpoints {
  domain: FourMeDomain;
  region?: FourMeRegion;
  graphqlUrl: string;
  oauthTokenUrl: string;
  /** `https://{account}.<region.>domain`: account UI and webhook issuer. `{account}` is substituted. */
  accountUrlTemplate: string;
  /** The other brand's template for the same environment, accepted as an equally valid issuer. */
  twinAccountUrlTemplate?: string;
}

export interface FourMeEndpointOverrides {
  graphqlUrl?: string;
  oauthTokenUrl?: string;
  accountUrlTemplate?: string;
}

/** The 4me domain and its Xurrent twin (and back): both brands serve the same accounts. */
export function twinDomain(domain: FourMeDomain): FourMeDomain | undefined {
  const twin = domain.includes("4me") ? domain.replace("4me", "xurrent") : domain.replace("xurrent", "4me");
  return (FOURME_DOMAINS as readonly string[]).includes(twin) ? (twin as FourMeDomain) : undefined;
}

/** Whether the domain is on the Xurrent brand, which decides the account header name. */
export function isXurrentDomain(domain: string): boolean {
  return domain.includes("xurrent");
}

export function fourMeEndpoints(
  domain: FourMeDomain,
  region?: FourMeRegion,
  overrides: FourMeEndpointOverrides = {},
): FourMeEndpoints {
  if (region && domain.includes("demo")) {
    throw new Error(`the demo environment (${domain}) has no regions; remove the region "${region}"`);
  }
  const host = (service: string, d: string) => `https://${service}.${region ? `${region}.` : ""}${d}`;
  const twin = twinDomain(domain);
  return {
    domain,
    region,
    graphqlUrl: overrides.graphqlUrl ?? `${host("graphql", domain)}/`,
    oauthTokenUrl: overrides.oauthTokenUrl ?? `${host("oauth", domain)}/token`,
    accountUrlTemplate: overrides.accountUrlTemplate ?? host("{account}", domain),
    twinAccountUrlTemplate: overrides.accountUrlTemplate ? undefined : twin ? host("{account}", twin) : undefined,
  };
}

export function accountUrl(template: string, account: string): string {
  return template.replaceAll("{account}", account);
}
