// OAuth client-credentials applications and the bearer tokens they get (4me-platform.md §2.1). Tokens are opaque
// random strings that expire after a configurable lifetime on the simulator's clock.
import { randomBytes } from "node:crypto";
import type { Clock } from "./clock.js";
import type { AppInstanceRec, OauthClientRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";

export interface IssuedToken {
  token: string;
  clientId: string;
  account: string;
  expiresAtMs: number;
}

export type TokenCheck =
  | { ok: true; token: IssuedToken; client: OauthClientRec }
  | { ok: false; reason: "missing" | "unknown" | "expired" | "revoked" };

export interface ClientCredentials {
  account: string;
  clientId: string;
  clientSecret: string;
  /** Node id of the person the application acts as. */
  personId: string;
}

export class OauthService {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly store: FourMeStore,
    private readonly clock: Clock,
    /** Token lifetime in seconds; 4me's is one hour. */
    public tokenTtlSeconds: number,
  ) {}

  /** A new client-credentials application in `account`, acting as a new person named after it. */
  createClient(account: string, name: string): ClientCredentials {
    this.store.ensureAccount(account);
    const person = this.store.people.insert(account, { name, disabled: false, primaryEmail: undefined });
    const clientId = randomBytes(16).toString("hex");
    const clientSecret = randomBytes(32).toString("base64url");
    this.store.oauthClients.insert(account, {
      clientId,
      clientSecret,
      grantType: "client_credentials",
      disabled: false,
      personId: person.id,
    });
    return { account, clientId, clientSecret, personId: person.id };
  }

  client(clientId: string): OauthClientRec | undefined {
    return this.store.oauthClients.all().find((c) => c.clientId === clientId);
  }

  /** Disables an application: it gets `invalid_client` and its tokens stop working (e.g. on uninstall). */
  disableClient(clientId: string): void {
    const c = this.client(clientId);
    if (c) this.store.oauthClients.update(c, { disabled: true });
  }

  /** A new secret (the old one stops working), as when a customer rotates the app's token. */
  rotateSecret(clientId: string): string {
    const c = this.client(clientId);
    if (!c) throw new Error(`unknown OAuth client ${clientId}`);
    const clientSecret = randomBytes(32).toString("base64url");
    this.store.oauthClients.update(c, { clientSecret });
    for (const [k, t] of this.tokens) if (t.clientId === clientId) this.tokens.delete(k);
    return clientSecret;
  }

  /** The client for these credentials, or undefined (unknown id, wrong secret, disabled). */
  authenticate(clientId: string, clientSecret: string): OauthClientRec | undefined {
    const c = this.client(clientId);
    return c && !c.disabled && c.clientSecret === clientSecret ? c : undefined;
  }

  issue(client: OauthClientRec): { access_token: string; token_type: "bearer"; expires_in: number } {
    const token = randomBytes(32).toString("base64url");
    const expiresAtMs = this.clock.now() + this.tokenTtlSeconds * 1000;
    this.tokens.set(token, { token, clientId: client.clientId, account: client.account, expiresAtMs });
    return { access_token: token, token_type: "bearer", expires_in: this.tokenTtlSeconds };
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: "missing" };
    const issued = this.tokens.get(token);
    if (!issued) return { ok: false, reason: "unknown" };
    if (this.clock.now() >= issued.expiresAtMs) return { ok: false, reason: "expired" };
    const client = this.client(issued.clientId);
    if (!client || client.disabled) return { ok: false, reason: "revoked" };
    return { ok: true, token: issued, client };
  }

  /** Makes every issued token expire now (tests of refresh-on-401). */
  expireAllTokens(): void {
    for (const t of this.tokens.values()) t.expiresAtMs = Math.min(t.expiresAtMs, this.clock.now());
  }
}

/**
 * A provider-disabled app instance disables its application token in the customer account (4me-platform.md §4.6);
 * enabling the instance again restores it. (Suspension leaves the token alone: what 4me does there is unconfirmed.)
 */
export function syncClientWithInstance(store: FourMeStore, instance: AppInstanceRec): void {
  const client = store.oauthClients.all().find((c) => c.clientId === instance.oauthClientId);
  if (client && client.disabled !== instance.disabled)
    store.oauthClients.update(client, { disabled: instance.disabled });
}
