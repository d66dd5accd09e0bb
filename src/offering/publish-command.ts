// The `offering publish` command (src/cli.ts): wires the configuration, the provider API and the record file to
// publish(), then prints the plan (with --dry-run) or what it changed.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { readConfig, type Config } from "../config.js";
import { createFourMeClients, type FourMeClientsOptions } from "../fourme/index.js";
import { findServiceInstances } from "../fourme/customer-requests.js";
import { desiredPublish, PROVIDER_POLICY_ALG } from "./desired.js";
import { publish, type PublishDeps, type PublishOutcome } from "./publish.js";
import { describePlan, type PublishRecord } from "./publish-plan.js";

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
  const outcome = await publish(
    {
      api,
      async findServiceInstanceId(name) {
        return (await findServiceInstances(providerClient, [name])).find((si) => si.name === name)?.id;
      },
      ...fileRecordStore(path),
    },
    desiredPublish(config),
    { dryRun: options.dryRun },
  );

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
    print(`A new webhook policy was created. 4me shows its public key only once; it is saved in ${path}.`);
    print("Configure the server with it (FOURME_WEBHOOK_PUBLIC_KEY, \\n escapes allowed):");
    print(outcome.newPublicKeyPem.trim());
  }
  return outcome;
}
