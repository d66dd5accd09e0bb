// Verifying the ID token of an administrator's sign-in (issue 13) with jose, against what the tenant publishes on its
// cloud's login host: the OpenID configuration gives the issuer and the key set (Microsoft identity platform: "ID
// token claims reference", "Validate tokens"). Checked: RS256 only, the signature with a published key, `iss` equal to
// the tenant's issuer on that cloud, `aud` our client id, `exp`/`nbf`/`iat`, the state's `nonce`, and `tid` the tenant
// the link was made for. Whether the user may act for the tenant (`wids`) is the caller's question.
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { Config } from "../config.js";
import { cloudEndpoints, type Cloud } from "./clouds.js";
import { discoverTenant } from "./tenant-discovery.js";

export type IdTokenFailure = "discovery" | "signature" | "claims" | "expired" | "nonce" | "tenant";

export class IdTokenError extends Error {
  constructor(
    readonly failure: IdTokenFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedSignIn {
  tenantId: string;
  /** The user's object id in that tenant. */
  oid: string;
  /** preferred_username or name, for the page and the log. */
  user: string;
  wids: unknown;
}

export interface IdTokenDeps {
  microsoft: Config["microsoft"];
  fetch?: typeof fetch;
  now?: () => Date;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;
// jose's key sets cache keys and refetch on an unknown kid (with a cooldown); one per key URL, a few URLs per cloud.
const keySets = new Map<string, KeySet>();
const MAX_KEY_SETS = 256;

function keySetFor(uri: string, fetchImpl?: typeof fetch): KeySet {
  const cacheKey = `${fetchImpl ? "custom" : "global"} ${uri}`;
  let set = keySets.get(cacheKey);
  if (!set) {
    set = createRemoteJWKSet(new URL(uri), {
      timeoutDuration: 10_000,
      ...(fetchImpl ? { [customFetch]: fetchImpl as never } : {}),
    });
    keySets.set(cacheKey, set);
    for (const oldest of keySets.keys()) {
      if (keySets.size <= MAX_KEY_SETS) break;
      keySets.delete(oldest);
    }
  }
  return set;
}

export async function verifyIdToken(
  idToken: string,
  expected: { cloud: Cloud; tenantId: string; clientId: string; nonce: string },
  deps: IdTokenDeps,
): Promise<VerifiedSignIn> {
  const tenantId = expected.tenantId.toLowerCase();
  const found = await discoverTenant(tenantId, expected.cloud, { microsoft: deps.microsoft, fetch: deps.fetch });
  if (!found.ok || !found.jwksUri) {
    throw new IdTokenError("discovery", found.ok ? "the tenant publishes no signing keys" : found.reason);
  }
  // The key set must come from the login host the configuration names: a discovery answer cannot send us elsewhere.
  const loginOrigin = new URL(cloudEndpoints(expected.cloud, deps.microsoft).loginUrl).origin;
  if (new URL(found.jwksUri).origin !== loginOrigin) {
    throw new IdTokenError("discovery", "the tenant's signing keys are not on its cloud's login host");
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, keySetFor(found.jwksUri, deps.fetch), {
      algorithms: ["RS256"],
      issuer: found.issuer,
      audience: expected.clientId,
      currentDate: deps.now?.(),
      clockTolerance: 60,
      requiredClaims: ["iss", "aud", "exp", "iat", "nonce", "tid", "oid"],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new IdTokenError("expired", "the ID token has expired");
    if (err instanceof joseErrors.JWTClaimValidationFailed) {
      throw new IdTokenError("claims", `the ID token's ${err.claim} claim is not what this sign-in expects`);
    }
    throw new IdTokenError(
      "signature",
      `the ID token is not validly signed by Microsoft Entra ID (${(err as Error).name})`,
    );
  }
  if (payload.nonce !== expected.nonce) throw new IdTokenError("nonce", "the ID token was not issued for this link");
  const tid = typeof payload.tid === "string" ? payload.tid.toLowerCase() : "";
  if (tid !== tenantId) throw new IdTokenError("tenant", "the sign-in was for another directory");
  const user = [payload.preferred_username, payload.name, payload.oid].find((v) => typeof v === "string") as string;
  return { tenantId: tid, oid: String(payload.oid), user, wids: payload.wids };
}
