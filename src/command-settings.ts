// What each command cannot run without, checked right after readConfig and before anything touches the disk or
// the network: a half-configured `npm start` must stop with one line, not after creating ./data/connector.db.
// readConfig itself stays lenient about these, because the publish tool, the demo and the tests each need a
// different part of them.
import { ConfigError, type Config } from "./config.js";
import { entraClouds } from "./intune/entra-apps.js";
import { readPolicyKey } from "./store/provider-records.js";
import type { InstanceStore } from "./store/types.js";

/** The provider OAuth application: serve, sync and publish call 4me as the provider. */
export function requireProviderCredentials(config: Pick<Config, "fourme">): void {
  if (!config.fourme.providerClientId) {
    throw new ConfigError("FOURME_PROVIDER_CLIENT_ID", "is required to call 4me as the provider");
  }
  if (!config.fourme.providerClientSecret) {
    throw new ConfigError("FOURME_PROVIDER_CLIENT_SECRET", "is required to call 4me as the provider");
  }
}

/**
 * The connector's Entra app registration, in at least one cloud: serve and sync read Intune. readConfig has checked
 * that each configured cloud has a client id and exactly one credential.
 */
export function requireMicrosoftCredentials(config: Config): void {
  if (entraClouds(config.microsoft).length === 0) {
    throw new ConfigError(
      "MS_CLIENT_ID",
      "(with MS_CLIENT_SECRET or MS_CERTIFICATE_*, or MS_<CLOUD>_CLIENT_ID for a national cloud) is required to read Intune",
    );
  }
}

export type WebhookKeyAtStart = { source: "environment" | "recorded" } | { source: "none"; advice: string };

/**
 * Where the key that webhook JWTs are verified with comes from when `serve` starts: FOURME_WEBHOOK_PUBLIC_KEY, else
 * the key offering:publish recorded in the store. With neither, serve still starts (issue 14: the README's order is
 * server first, then publish, whose webhooks 4me verifies at once against the running server, which reads the key
 * publish records); no webhook exists before publish creates it, so nothing is refused meanwhile, and the log says
 * what to do.
 */
export async function webhookKeyAtStart(config: Config, store: InstanceStore): Promise<WebhookKeyAtStart> {
  if (config.fourme.webhook.publicKeyPem) return { source: "environment" };
  if (await readPolicyKey(store)) return { source: "recorded" };
  return {
    source: "none",
    advice:
      "no webhook policy key yet (FOURME_WEBHOOK_PUBLIC_KEY unset, none recorded): run npm run offering:publish " +
      "against this store; until it records the key, webhooks are refused",
  };
}

export function requireServeSettings(config: Config): void {
  requireProviderCredentials(config);
  requireMicrosoftCredentials(config);
}

export function requireSyncSettings(config: Config): void {
  requireProviderCredentials(config);
  requireMicrosoftCredentials(config);
}
