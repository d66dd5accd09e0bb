// What each command cannot run without, checked right after readConfig and before anything touches the disk or
// the network: a half-configured `npm start` must stop with one line, not after creating ./data/connector.db.
// readConfig itself stays lenient about these, because the publish tool, the demo and the tests each need a
// different part of them.
import { ConfigError, type Config } from "./config.js";

/** The provider OAuth application: serve, sync and publish call 4me as the provider. */
export function requireProviderCredentials(config: Pick<Config, "fourme">): void {
  if (!config.fourme.providerClientId) {
    throw new ConfigError("FOURME_PROVIDER_CLIENT_ID", "is required to call 4me as the provider");
  }
  if (!config.fourme.providerClientSecret) {
    throw new ConfigError("FOURME_PROVIDER_CLIENT_SECRET", "is required to call 4me as the provider");
  }
}

/** The connector's Entra app registration: serve and sync read Intune. */
export function requireMicrosoftCredentials(config: Config): void {
  const m = config.microsoft;
  if (!m.clientId) throw new ConfigError("MS_CLIENT_ID", "is required to read Intune");
  if (!m.clientSecret && !m.certificate) {
    throw new ConfigError(
      "MS_CLIENT_SECRET",
      "(or MS_CERTIFICATE_THUMBPRINT and MS_CERTIFICATE_PRIVATE_KEY) is required to read Intune",
    );
  }
}

/**
 * The public key that webhook JWTs are verified with. Without it every webhook would be answered 401, so `serve`
 * refuses to start. This is the one place that decides where the key comes from (a key recorded by the publish
 * tool is to be accepted here too, issue 14).
 */
export function requireWebhookPublicKey(config: Config): string {
  const pem = config.fourme.webhook.publicKeyPem;
  if (!pem) {
    throw new ConfigError(
      "FOURME_WEBHOOK_PUBLIC_KEY",
      "is required to serve: webhooks cannot be verified without it (npm run offering:publish prints it)",
    );
  }
  return pem;
}

export function requireServeSettings(config: Config): void {
  requireProviderCredentials(config);
  requireMicrosoftCredentials(config);
  requireWebhookPublicKey(config);
}

export function requireSyncSettings(config: Config): void {
  requireProviderCredentials(config);
  requireMicrosoftCredentials(config);
}
