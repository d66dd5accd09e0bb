// Drives the simulator's OpenID Connect sign-in as a browser and a connector would: the authorize request (its
// redirect or form_post page read back into parameters) and the code redemption at the token endpoint.
import { createHash, randomBytes } from "node:crypto";
import type { MicrosoftSimulator } from "../../../../src/sandbox/microsoft/index.js";
import type { Json } from "./helpers.js";

export const REDIRECT = "https://connector.example.com/auth/callback";

export interface AuthorizeAnswer {
  status: number;
  /** The parameters delivered to the redirect URI (query, or the form_post page's hidden inputs). */
  params: Record<string, string>;
  /** Where they went: the Location without its query, or the form's action. */
  target?: string;
  html: string;
}

/** A PKCE pair (RFC 7636, S256). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export async function authorizeRequest(
  sim: MicrosoftSimulator,
  tenant: string,
  query: Record<string, string | undefined> = {},
  cloud = "global",
): Promise<AuthorizeAnswer> {
  const base: Record<string, string | undefined> = {
    client_id: sim.app.clientId,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    state: "st4te",
    nonce: "n0nce",
    ...query,
  };
  const q = new URLSearchParams(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
  const r = await fetch(`${sim.loginUrl}/${cloud}/${tenant}/oauth2/v2.0/authorize?${q}`, { redirect: "manual" });
  const html = await r.text();
  const location = r.headers.get("location");
  if (location) {
    const u = new URL(location);
    const fromHash = new URLSearchParams(u.hash.slice(1));
    const params = Object.fromEntries([...u.searchParams, ...fromHash]);
    return { status: r.status, params, target: `${u.origin}${u.pathname}`, html };
  }
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  const inputs = [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)" \/>/g)];
  const action = /<form method="POST" name="hiddenform" action="([^"]*)">/.exec(html)?.[1];
  return {
    status: r.status,
    params: Object.fromEntries(inputs.map((m) => [unescape(m[1]!), unescape(m[2]!)])),
    target: action && unescape(action),
    html,
  };
}

export async function redeem(
  sim: MicrosoftSimulator,
  code: string,
  form: Record<string, string | undefined> = {},
  tenant = "organizations",
  cloud = "global",
): Promise<{ status: number; body: Json }> {
  const all: Record<string, string | undefined> = {
    grant_type: "authorization_code",
    client_id: sim.app.clientId,
    client_secret: sim.app.clientSecret,
    code,
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    ...form,
  };
  const r = await fetch(`${sim.loginUrl}/${cloud}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)),
  });
  return { status: r.status, body: (await r.json()) as Json };
}

/** Signs in at `tenant` and redeems the code there; throws unless both succeed. */
export async function signInAndRedeem(
  sim: MicrosoftSimulator,
  tenant: string,
  query: Record<string, string | undefined> = {},
): Promise<Json> {
  const a = await authorizeRequest(sim, tenant, query);
  if (!a.params["code"]) throw new Error(`no code: ${a.status} ${JSON.stringify(a.params)}`);
  const r = await redeem(sim, a.params["code"], {}, tenant);
  if (r.status !== 200) throw new Error(`redemption: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
