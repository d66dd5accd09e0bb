// Authorization codes the authorize endpoint hands out and the token endpoint redeems: opaque, single use, valid
// 10 minutes (v2-oauth2-auth-code-flow.md), bound to the client, redirect URI, tenant, nonce and PKCE challenge.
import { createHash, randomBytes } from "node:crypto";
import type { Cloud } from "./clouds.js";
import type { SimUser } from "./users.js";

export const CODE_TTL_MS = 10 * 60_000;

export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  cloud: Cloud;
  /** The tenant the user signed in to (their home tenant at /organizations and /common). */
  tenantId: string;
  scopes: string[];
  nonce?: string;
  challenge?: { value: string; method: "S256" | "plain" };
  user: SimUser;
  issuedAt: number;
}

interface Entry {
  grant: CodeGrant;
  spent: boolean;
}

/** RFC 7636: does the verifier hash (or, for `plain`, equal) the challenge? */
export function verifierMatches(verifier: string, challenge: NonNullable<CodeGrant["challenge"]>): boolean {
  const derived =
    challenge.method === "S256" ? createHash("sha256").update(verifier, "ascii").digest("base64url") : verifier;
  return derived === challenge.value;
}

export class AuthCodes {
  private readonly entries = new Map<string, Entry>();

  issue(grant: CodeGrant): string {
    // Entries are kept twice their lifetime, so a late replay still reads "expired" or "redeemed", then dropped.
    for (const [code, e] of this.entries) {
      if (e.grant.issuedAt + 2 * CODE_TTL_MS < grant.issuedAt) this.entries.delete(code);
    }
    const code = `1.A${randomBytes(48).toString("base64url")}`;
    this.entries.set(code, { grant, spent: false });
    return code;
  }

  /** The grant behind a code, "spent" once redeemed, or undefined for a code this simulator never issued. */
  find(code: string): CodeGrant | "spent" | undefined {
    const e = this.entries.get(code);
    if (!e) return undefined;
    return e.spent ? "spent" : e.grant;
  }

  spend(code: string): void {
    const e = this.entries.get(code);
    if (e) e.spent = true;
  }
}
