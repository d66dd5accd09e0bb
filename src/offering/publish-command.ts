// The `offering publish` command (src/cli.ts): wires the configuration, the provider API and the record file to
// publish(), then prints the plan (with --dry-run) or what it changed.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { readConfig, readPreviewConfig, type Config } from "../config.js";
import { createFourMeClients, type FourMeClientsOptions } from "../fourme/index.js";
import { findServiceInstances } from "../fourme/customer-requests.js";
import { desiredPublish, PROVIDER_POLICY_ALG } from "./desired.js";
import { publish, type PublishDeps, type PublishOutcome } from "./publish.js";
import { describePlan, NEW_ID, planPublish, type PublishRecord } from "./publish-plan.js";
import { silentLogger } from "../logger.js";
import { openStore } from "../store/open-store.js";
import { readPolicyKey, recordPolicyKey, verifiedWebhooks } from "../store/provider-records.js";

export const RECORD_FILE_NAME = "provider-webhook-policy.json";

/** Next to the SQLite database (its data folder), or ./data with PostgreSQL. */
export function recordPath(config: Pick<Config, "database">): string {
  const dir = config.database.kind === "sqlite" ? dirname(resolve(config.database.path)) : resolve("data");
  return join(dir, RECORD_FILE_NAME);
}

export function fileRecordStore(path: string): Pick<PublishDeps, "readRecord" | "saveRecord"> {
  return {
    async readRecord() {
      try {
        return JSON.parse(await readFile(path, "utf8")) as PublishRecord;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
        throw new Error(`cannot read ${path}: ${(error as Error).message}`);
      }
    },
    async saveRecord(record) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    },
  };
}

export interface PublishCommandOptions {
  dryRun: boolean;
  /** Tests pass their own; the command reads the environment. */
  config?: Config;
  clients?: FourMeClientsOptions;
  print?: (line: string) => void;
  /** How long to wait for the server to verify the webhooks 4me just asked it to. Default 15 s. */
  verifyWaitMs?: number;
}

export async function publishOffering(options: PublishCommandOptions): Promise<PublishOutcome> {
  const config = options.config ?? readConfig();
  const print = options.print ?? ((line: string) => console.log(line));
  const clients = createFourMeClients(config, options.clients);
  const api = clients.provider();
  const providerClient = clients.graphqlClient({
    account: config.fourme.providerAccount,
    clientId: config.fourme.providerClientId!,
    clientSecret: config.fourme.providerClientSecret!,
  });
  const path = recordPath(config);
  // The store the server reads: the policy key goes there too (sealed), and the server records there which webhooks
  // it verified. See store/provider-records.ts.
  const store = await openStore(config, silentLogger);
  let outcome: PublishOutcome;
  try {
    const file = fileRecordStore(path);
    const desired = desiredPublish(config);
    const recordKey = async (record: PublishRecord) => {
      if (!record.webhookPolicyId || !record.publicKeyPem) return;
      const algorithm = desired.webhookPolicy.jwtAlg.toUpperCase();
      await recordPolicyKey(store, { policyId: record.webhookPolicyId, algorithm, publicKeyPem: record.publicKeyPem });
    };
    if (!options.dryRun) {
      // A key recorded before the store held it (an older release): the server finds it there from now on.
      const older = await file.readRecord();
      if (older.publicKeyPem && !(await readPolicyKey(store))) await recordKey(older);
    }
    outcome = await publish(
      {
        api,
        async findServiceInstanceId(name) {
          return (await findServiceInstances(providerClient, [name])).find((si) => si.name === name)?.id;
        },
        readRecord: file.readRecord,
        async saveRecord(record) {
          await file.saveRecord(record);
          await recordKey(record);
        },
        verification: { verifiedWebhooks: () => verifiedWebhooks(store), waitMs: options.verifyWaitMs },
      },
      desired,
      { dryRun: options.dryRun },
    );
  } finally {
    await store.close();
  }

  if (options.dryRun) {
    print(`Plan for ${config.fourme.providerAccount} (dry run: nothing written):`);
    for (const line of describePlan(outcome.plan)) print(`  ${line}`);
    return outcome;
  }
  const changed = outcome.results.filter((r) => r.action !== "unchanged");
  print(
    changed.length
      ? `Published to ${config.fourme.providerAccount}:`
      : "Nothing to change: the provider account is up to date.",
  );
  for (const r of outcome.results) print(`  ${r.action.padEnd(9)} ${r.target} ${r.name}`);
  printVerification(outcome, print);
  if (outcome.newPublicKeyPem) {
    print("");
    const replaced = outcome.replacedPolicy;
    if (replaced) {
      print(
        `The webhook policy ${replaced.id} signs with ${String(replaced.jwtAlg).toUpperCase()}; the connector's ` +
          `policy signs with ${PROVIDER_POLICY_ALG.toUpperCase()}. 4me shows a key only when it creates a policy, ` +
          "so a new policy was created " +
          "and the webhooks moved to it: the old key no longer verifies them.",
      );
    }
    print(
      `A new webhook policy was created. 4me shows its public key only once; it is saved in ${path} and, sealed, ` +
        "in the store (DATABASE_URL), where a server without FOURME_WEBHOOK_PUBLIC_KEY reads it.",
    );
    print(
      "FOURME_WEBHOOK_PUBLIC_KEY wins over the recorded key: leave it unset, or set it to this key " +
        "(\\n escapes allowed):",
    );
    print(outcome.newPublicKeyPem.trim());
  }
  return outcome;
}

function printVerification(outcome: PublishOutcome, print: (line: string) => void): void {
  const states = outcome.verification ?? [];
  if (states.length === 0) return;
  print("");
  print("Webhook verification (4me delivers only to verified webhooks):");
  for (const v of states) {
    const state = v.verified ? "verified" : "NOT verified";
    print(`  ${state.padEnd(12)} ${v.event}${v.resent ? " (verification sent again)" : ""}`);
  }
  if (states.some((v) => !v.verified)) {
    print(
      "The server did not answer 4me's webhook.verify for these: start it (npm start) on this store and PUBLIC_URL, " +
        "then run offering:publish again; it has 4me send the verification again.",
    );
  }
}

/**
 * `offering publish --dry-run --offline`: what publish would create from app-offering/ in a provider account that
 * holds none of it yet. Reads no credentials, calls nobody and writes nothing; the environment still sets the
 * public URL, the offering reference and the webhook audience when present.
 */
export function previewOfferingOffline(
  options: { config?: Config; print?: (line: string) => void } = {},
): ReturnType<typeof planPublish> {
  const config = options.config ?? readPreviewConfig();
  const print = options.print ?? ((line: string) => console.log(line));
  const desired = desiredPublish(config);
  // The service instance is looked up in the provider account when publishing; offline it is taken as present.
  const empty = { webhookPolicies: [], webhooks: [], offerings: [], serviceInstanceId: NEW_ID };
  const plan = planPublish(empty, {}, desired);
  print(`Plan from app-offering/ against an empty provider account (offline: nothing read or written):`);
  for (const line of describePlan(plan)) print(`  ${line}`);
  print("");
  print(`Webhooks deliver to ${desired.webhooks[0]?.uri ?? "(none)"} (PUBLIC_URL).`);
  print(`The offering needs the service instance "${desired.serviceInstanceName}" in the provider account.`);
  print(`Scopes: ${desired.scopes.flatMap((s) => s.actions).join(", ")}.`);
  return plan;
}
