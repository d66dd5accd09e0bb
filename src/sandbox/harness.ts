// The whole product against the sandbox: the simulated 4me and Microsoft, and a connector built by buildConnector
// from readConfig (the same wiring `serve` uses) pointed at them, all on 127.0.0.1. It plays the administrator
// too: install the app, type the tenant domains, follow the consent link, save the filters. The end-to-end tests
// and the demo both start from here.
import { randomBytes } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Field, TENANT_SLOTS, tenantField } from "../app-instance/fields.js";
import { readConfig } from "../config.js";
import { buildConnector, type Connector, type ConnectorOptions } from "../connector.js";
import type { Clock } from "../fourme/timing.js";
import { loadConfigurationForm } from "../extension/render.js";
import type { Cloud } from "../intune/clouds.js";
import { InProcessQueue } from "../jobs/in-process-queue.js";
import { PgBossQueue } from "../jobs/pg-boss-queue.js";
import { silentLogger, type Logger } from "../logger.js";
import { listen, type Listening } from "../server/listen.js";
import type { RunSyncResult } from "../sync/run-sync.js";
import type { SyncRun } from "../store/types.js";
import { followConsentLink } from "./consent-browser.js";
import type { Fleet } from "./fleet/types.js";
import { startFourMeSimulator, type FourMeSimulator, type FourMeSimulatorOptions } from "./fourme/index.js";
import { startMicrosoftSimulator, type MicrosoftSimulator, type MicrosoftSimulatorOptions } from "./microsoft/index.js";

export interface SandboxOptions {
  /** The simulated world: Intune tenants (served by the Microsoft simulator) and the 4me seed. */
  fleet: Fleet;
  /** The customer's 4me account id. Default `widget-data`. */
  account?: string;
  /** Seed the customer account with `fleet.fourme` (people, products, CIs). Default true. */
  seedFourMe?: boolean;
  logger?: Logger;
  /**
   * Zero every wait of the connector's clients (4me retries and polls, Graph retries and throttles) with a virtual
   * clock that moves forward instead of sleeping: tests never sleep for real. Default false.
   */
  instantWaits?: boolean;
  /** Switch the connector's own 4me rate limits off (benchmarks, tests). Default true. */
  localRateLimitsOff?: boolean;
  /** More ConnectorOptions (routers, onProgress, afterWrite…); merged over what the harness sets. */
  connector?: ConnectorOptions;
  /** Extra or overriding environment variables for readConfig. */
  env?: Record<string, string>;
  /** Where the connector listens. Default 127.0.0.1 on an ephemeral port. */
  host?: string;
  port?: number;
  fourme?: FourMeSimulatorOptions;
  microsoft?: Omit<MicrosoftSimulatorOptions, "fleet">;
  /**
   * Point the simulator's ready-made (verified) provider webhooks at the connector. Default true; false leaves the
   * provider account without webhooks, for offering:publish to create them as in a real deployment.
   */
  providerWebhooks?: boolean;
}

export interface TenantInput {
  domain: string;
  cloud?: Cloud;
}

export interface ConsentResult {
  slot: number;
  domain: string;
  /** HTTP status of the connector's callback page (200 connected, 400 refused). */
  status: number;
  /** The callback page's data-result attribute. */
  result: string | undefined;
}

export interface Sandbox {
  account: string;
  fleet: Fleet;
  fourme: FourMeSimulator;
  microsoft: MicrosoftSimulator;
  connector: Connector;
  /** The connector's base URL (PUBLIC_URL). */
  url: string;
  /** The virtual clock when `instantWaits` is on: how much waiting was skipped. */
  clock?: VirtualClock;

  /** The customer installs the app (with these form values), and the connector has handled the webhooks. */
  install(fields?: { id: string; value: unknown }[]): Promise<void>;
  /** The administrator saves the form; resolves once the connector has handled it (including any sync it ran). */
  saveForm(fields: { id: string; value: unknown }[]): Promise<void>;
  /** Follows every consent link the connector wrote to the app instance, as an Entra admin would. */
  consentAll(): Promise<ConsentResult[]>;
  /**
   * install → tenants in the form → consent → filters saved. With `filters`, the form save that activates the
   * import runs the first sync (as in production: a form save queues one). Returns what the form shows after it.
   */
  setup(opts?: {
    tenants?: TenantInput[];
    fields?: { id: string; value: unknown }[];
    /** Skip the consent step (tenants stay pending_consent). */
    skipConsent?: boolean;
    /**
     * Save `fields` with the tenants, before consenting, as an administrator may: the sync that consent queues is
     * then the first import, and the fleet is read once (the demo). Otherwise that sync reads the fleet with the
     * import still off, and the form save that activates it reads it again.
     */
    fieldsBeforeConsent?: boolean;
  }): Promise<Record<string, unknown>>;
  /** Waits until the connector's queue and the simulator's background deliveries are done. */
  idle(): Promise<void>;
  /** One sync now (after whatever is queued has run). */
  sync(trigger?: string): Promise<RunSyncResult>;
  /** The latest sync runs of the account, newest first. */
  runs(limit?: number): Promise<SyncRun[]>;
  /** The app instance's custom fields in 4me, by id. */
  formValues(): Record<string, unknown>;
  close(): Promise<void>;
}

/** A clock for the connector's clients whose sleep moves time forward at once. */
export interface VirtualClock extends Clock {
  /** Milliseconds of waiting skipped so far. */
  skippedMs: number;
}

export function virtualClock(): VirtualClock {
  const clock: VirtualClock = {
    skippedMs: 0,
    now: () => Date.now() + clock.skippedMs,
    sleep: async (ms) => {
      clock.skippedMs += Math.max(0, ms);
      // Yield, so a retry loop never starves the event loop.
      await nextTurn();
    },
  };
  return clock;
}

const DEFAULT_ACCOUNT = "widget-data";
const MS_CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e";

/** The import switches on, every platform in, everything else at its default. */
export const IMPORT_ALL: { id: string; value: unknown }[] = [
  { id: Field.active, value: true },
  { id: Field.importWindows, value: true },
  { id: Field.importAndroid, value: true },
  { id: Field.importIos, value: true },
  { id: Field.importMacos, value: true },
];

/**
 * The connector settings that point it at the simulators: 4me endpoints, provider credentials and webhook key,
 * and the Microsoft hosts with the sandbox app registration. Shared by the harness and the replica tests.
 */
export function simulatorEnv(fourme: FourMeSimulator, microsoft: MicrosoftSimulator): Record<string, string> {
  return {
    FOURME_DOMAIN: fourme.domain,
    FOURME_GRAPHQL_URL: fourme.graphqlUrl,
    FOURME_OAUTH_URL: fourme.oauthTokenUrl,
    FOURME_ACCOUNT_URL_TEMPLATE: fourme.accountUrlTemplate,
    FOURME_PROVIDER_ACCOUNT: fourme.provider.account,
    FOURME_PROVIDER_CLIENT_ID: fourme.provider.clientId,
    FOURME_PROVIDER_CLIENT_SECRET: fourme.provider.clientSecret,
    FOURME_OFFERING_REFERENCE: fourme.offeringReference,
    FOURME_WEBHOOK_PUBLIC_KEY: fourme.webhookPublicKeyPem,
    ...(fourme.webhookAudience ? { FOURME_WEBHOOK_AUDIENCE: fourme.webhookAudience } : {}),
    ...entraAppEnv(microsoft),
    MS_LOGIN_URL: microsoft.loginUrl,
    MS_GRAPH_URL: microsoft.graphUrl,
    MS_ADMIN_CENTER_URL: `${microsoft.url}/intune`,
  };
}

/**
 * The simulator's app registrations as the connector's per-cloud variables (MS_CLIENT_ID and MS_CLIENT_SECRET are the
 * global cloud's; DoD falls back to MS_USGOV_*). An app without a client secret is left out: a test that uses a
 * certificate sets its variables itself.
 */
function entraAppEnv(microsoft: MicrosoftSimulator): Record<string, string> {
  const prefixes = { global: "MS_", usgov: "MS_USGOV_", china: "MS_CHINA_" } as const;
  return Object.fromEntries(
    Object.entries(prefixes).flatMap(([cloud, prefix]) => {
      const app = microsoft.apps[cloud as keyof typeof prefixes];
      return app.clientSecret
        ? [
            [`${prefix}CLIENT_ID`, app.clientId],
            [`${prefix}CLIENT_SECRET`, app.clientSecret],
          ]
        : [];
    }),
  );
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const account = options.account ?? DEFAULT_ACCOUNT;
  const logger = options.logger ?? silentLogger;
  const clock = options.instantWaits ? virtualClock() : undefined;
  const msClientSecret = randomBytes(24).toString("base64url");
  const started: { close(): Promise<void> }[] = [];
  try {
    const fourme = await startFourMeSimulator({
      ...(clock ? { rateLimitClock: clock } : {}),
      ...options.fourme,
      offering: { formHtml: defaultFormHtml(), ...options.fourme?.offering },
    });
    started.push(fourme);
    const microsoft = await startMicrosoftSimulator({
      ...options.microsoft,
      fleet: options.fleet,
      app: { clientId: MS_CLIENT_ID, clientSecret: msClientSecret, ...options.microsoft?.app },
    });
    started.push(microsoft);
    if (options.seedFourMe !== false) fourme.seedAccount(account, options.fleet.fourme);

    // The connector must know its own URL (consent redirect) before it is built: listen first, hand over later.
    const route: { handler?: (req: IncomingMessage, res: ServerResponse) => void } = {};
    const server: Listening = await listen(
      (req, res) => {
        if (route.handler) route.handler(req, res);
        else res.writeHead(503).end();
      },
      { host: options.host ?? "127.0.0.1", port: options.port ?? 0 },
    );
    started.push(server);

    const config = readConfig({
      PUBLIC_URL: server.url,
      LOG_LEVEL: "silent",
      DATABASE_URL: ":memory:",
      SECRET_KEY: randomBytes(32).toString("base64"),
      ...simulatorEnv(fourme, microsoft),
      ...options.env,
    });
    const connector = await buildConnector(config, logger, {
      scheduler: false,
      ...options.connector,
      fourme: {
        ...(options.localRateLimitsOff !== false ? { rateLimits: { burstCap: 0, requestsPerHour: 0 } } : {}),
        ...(clock ? { clock } : {}),
        ...options.connector?.fourme,
      },
      intune: {
        ...(clock ? { sleep: clock.sleep, now: clock.now } : {}),
        ...options.connector?.intune,
      },
    });
    started.push({ close: () => connector.stop() });
    route.handler = connector.app;
    if (options.providerWebhooks !== false) fourme.setConnectorWebhookUrl(`${server.url}/webhooks/4me`);

    const idle = async () => {
      const queue = connector.queue;
      if (queue instanceof PgBossQueue) return pgBossIdle(queue, () => fourme.idle());
      for (;;) {
        await fourme.idle();
        if (!(queue instanceof InProcessQueue)) return;
        const { waiting, running } = queue.counts();
        if (waiting === 0 && running === 0) return;
        await queue.onIdle();
        await nextTurn();
      }
    };

    const formValues = () => {
      const instance = fourme.inspect
        .appInstances()
        .find((i) => i.customerAccount === account && i.appOfferingReference === fourme.offeringReference);
      if (!instance) throw new Error(`no app instance in ${account}`);
      return Object.fromEntries(
        (instance.customFields as { id: string; value: unknown }[]).map((f) => [f.id, f.value]),
      ) as Record<string, unknown>;
    };

    const consentAll = async (): Promise<ConsentResult[]> => {
      await idle();
      const values = formValues();
      const out: ConsentResult[] = [];
      for (let slot = 1; slot <= TENANT_SLOTS; slot++) {
        const link = values[tenantField.consentUrl(slot)];
        if (typeof link !== "string" || link === "") continue;
        const visit = await followConsentLink(link);
        out.push({
          slot,
          domain: String(values[tenantField.domain(slot)] ?? ""),
          status: visit.status,
          result: visit.result,
        });
      }
      await idle();
      return out;
    };

    const sandbox: Sandbox = {
      account,
      fleet: options.fleet,
      fourme,
      microsoft,
      connector,
      url: server.url,
      clock,
      async install(fields = []) {
        await fourme.installApp(account, { customFields: fields });
        await idle();
      },
      async saveForm(fields) {
        await fourme.saveForm(account, fields);
        await idle();
      },
      consentAll,
      async setup(opts = {}) {
        const tenants = opts.tenants ?? options.fleet.tenants.map((t) => ({ domain: t.domain, cloud: t.cloud }));
        if (tenants.length > TENANT_SLOTS) throw new Error(`at most ${TENANT_SLOTS} tenants fit the form`);
        const tenantValues = tenants.flatMap((t, i) => [
          { id: tenantField.domain(i + 1), value: t.domain },
          { id: tenantField.cloud(i + 1), value: t.cloud ?? "global" },
        ]);
        const early = opts.fieldsBeforeConsent ? (opts.fields ?? []) : [];
        await sandbox.install([...tenantValues, ...early]);
        if (!opts.skipConsent) await consentAll();
        if (opts.fields?.length && !opts.fieldsBeforeConsent) await sandbox.saveForm(opts.fields);
        return formValues();
      },
      idle,
      async sync(trigger = "test") {
        await idle();
        return connector.syncNow(account, trigger);
      },
      runs: (limit = 10) => connector.store.listRuns(account, limit),
      formValues,
      async close() {
        await idle().catch(() => undefined);
        for (const s of started.reverse()) await s.close().catch(() => undefined);
      },
    };
    return sandbox;
  } catch (err) {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    throw err;
  }
}

/**
 * With PostgreSQL the jobs run in pg-boss, polled from the database: idle once nothing waits and nothing runs for
 * QUIET_LOOKS looks 100 ms apart. A job is neither waiting nor running for a moment (fetched but not started, or put
 * back while its account's lock is busy), and a webhook's handler queues its job a little after it arrives: a short
 * quiet spell on a busy machine is not idle. Bounded: a minute at most.
 */
const QUIET_LOOKS = 8;
async function pgBossIdle(queue: PgBossQueue, simulatorIdle: () => Promise<void>): Promise<void> {
  let quiet = 0;
  for (const until = Date.now() + 60_000; Date.now() < until;) {
    await simulatorIdle();
    quiet = (await queue.queueDepth()) === 0 && queue.activeJobs === 0 ? quiet + 1 : 0;
    if (quiet >= QUIET_LOOKS) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the pg-boss queue did not settle within a minute");
}

/** The offering's real configuration form, so the simulated 4me refuses a field id the form does not have. */
function defaultFormHtml(): string {
  return loadConfigurationForm().html;
}
