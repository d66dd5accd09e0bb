// Shared set-up of the webhook tests: the real express app on an ephemeral loopback port, a fixed clock, a
// memory store, a recording queue, a log capture, and helpers to sign and post 4me-style webhooks.
import { request as httpRequest, Agent } from "node:http";
import { connect } from "node:net";
import { readConfig, type Config } from "../../../src/config.js";
import { createLogger } from "../../../src/logger.js";
import type { JobData, JobHandler, JobName, JobQueue } from "../../../src/jobs/types.js";
import { createApp } from "../../../src/server/app.js";
import { listen } from "../../../src/server/listen.js";
import type { AppInstanceInfo, AppInstanceReader, WebhookEnvelope } from "../../../src/webhooks/types.js";
import { MemoryStore } from "../../helpers/memory-store.js";
import { makeKey, signWebhook, type SignOptions, type TestKey } from "../../helpers/jwt.js";

/** The harness clock: 2025-06-01T12:00:00Z. Tokens are signed against it, the app verifies against it. */
export const NOW_MS = Date.UTC(2025, 5, 1, 12, 0, 0);
export const NOW_S = NOW_MS / 1000;

export class RecordingQueue implements JobQueue {
  readonly jobs: { name: JobName; data: JobData; singletonKey?: string }[] = [];
  async enqueue(name: JobName, data: JobData, options?: { singletonKey?: string }): Promise<void> {
    this.jobs.push({ name, data, singletonKey: options?.singletonKey });
  }
  async work(_name: JobName, _handler: JobHandler): Promise<void> {}
  async stop(): Promise<void> {}
}

export class FakeAppInstances implements AppInstanceReader {
  readonly instances = new Map<string, AppInstanceInfo>();
  readonly calls: string[] = [];
  async getAppInstance(account: string): Promise<AppInstanceInfo | undefined> {
    this.calls.push(account);
    return this.instances.get(account);
  }
}

export interface LogLine {
  level: number;
  msg: string;
  webhook?: { status: number; reason: string; event?: string; account?: string; delivery?: string };
  [key: string]: unknown;
}

export interface Receiver {
  url: string;
  config: Config;
  key: TestKey;
  store: MemoryStore;
  queue: RecordingQueue;
  appInstances: FakeAppInstances;
  logs: LogLine[];
  /** Raw log output, to check nothing secret was written. */
  rawLog: string[];
  /** Signs an envelope with the provider key for the provider account (issuer https://wdc.4me.com). */
  sign(envelope: Partial<WebhookEnvelope> & { event: string }, options?: SignOptions, key?: TestKey): Promise<string>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
  close(): Promise<void>;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { ok?: boolean; message?: string } | undefined;
  text: string;
}

export interface ReceiverOptions {
  env?: Record<string, string>;
  key?: TestKey;
  store?: MemoryStore;
  fetch?: typeof fetch;
  verifyCallbackTimeoutMs?: number;
}

export const PROVIDER = "wdc";
export const PROVIDER_URL = "https://wdc.4me.com";
export const OFFERING = "microsoft_intune";

let sharedKey: Promise<TestKey> | undefined;
let foreignKey: Promise<TestKey> | undefined;
/** One RSA key per test run: generating RSA keys is the slow part. */
export function providerKey(): Promise<TestKey> {
  sharedKey ??= makeKey("RS256");
  return sharedKey;
}
/** Another RSA key, for tokens the receiver must not trust. */
export function strangerKey(): Promise<TestKey> {
  foreignKey ??= makeKey("RS256");
  return foreignKey;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const key = options.key ?? (await providerKey());
  const config = readConfig({
    FOURME_PROVIDER_ACCOUNT: PROVIDER,
    FOURME_DOMAIN: "4me.com",
    FOURME_WEBHOOK_PUBLIC_KEY: key.publicKeyPem,
    ...options.env,
  });
  const store = options.store ?? new MemoryStore(() => new Date(NOW_MS));
  const queue = new RecordingQueue();
  const appInstances = new FakeAppInstances();
  const logs: LogLine[] = [];
  const rawLog: string[] = [];
  const logger = createLogger("info", {
    write(line: string) {
      rawLog.push(line);
      logs.push(JSON.parse(line) as LogLine);
    },
  });
  const app = createApp({
    config,
    store,
    logger,
    queue,
    appInstances,
    fetch: options.fetch,
    now: () => new Date(NOW_MS),
    verifyCallbackTimeoutMs: options.verifyCallbackTimeoutMs,
  });
  const server = await listen(app);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  return {
    url: server.url,
    config,
    key,
    store,
    queue,
    appInstances,
    logs,
    rawLog,
    sign: (envelope, signOptions = {}, signKey = key) =>
      signWebhook(
        signKey,
        { ...providerEnvelope(envelope.event), ...envelope },
        {
          issuer: PROVIDER_URL,
          iat: NOW_S - 5,
          ...signOptions,
        },
      ),
    post: (path, body, headers = {}) =>
      rawRequest(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", ...headers },
        body: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body),
        agent,
      }),
    close: async () => {
      agent.destroy();
      await server.close();
    },
  };
}

/** A 4me-like envelope from the provider account (4me-platform.md §3.2). */
export function providerEnvelope(event: string, payload: Record<string, unknown> = {}): WebhookEnvelope {
  return {
    webhook_id: 7,
    webhook_nodeID: "NG1lLmNvbS9XZWJob29rLzc",
    account_id: PROVIDER,
    account: PROVIDER_URL,
    name: "Intune connector",
    event,
    object_id: 12,
    object_nodeID: "NG1lLmNvbS9BcHBJbnN0YW5jZS8xMg",
    person_id: 6,
    person_nodeID: "NG1lLmNvbS9QZXJzb24vNg",
    person_name: "Howard Tanner",
    payload,
  };
}

/** A plain HTTP request with full control of method, headers and body bytes (fetch refuses some). */
export function rawRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string | Buffer; agent?: Agent },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method, headers: options.headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/**
 * One HTTP/1.1 request written by hand on its own TCP connection (Connection: close), returning the status code.
 * Below the http client on purpose: nock, active in every test, intercepts http.request and makes each call slow.
 */
export function rawHttp(
  url: string,
  request: { method: string; path: string; headers: Record<string, string>; body?: string | Buffer },
): Promise<number> {
  const { hostname, port } = new URL(url);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const head = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${hostname}:${port}`, "Connection: close"];
  for (const [name, value] of Object.entries(request.headers)) head.push(`${name}: ${value}`);
  if (body) head.push(`Content-Length: ${body.length}`);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      // The server may close while a refused body is still being written; the answer is what counts.
      const status = statusOf(Buffer.concat(chunks));
      if (status && (err.code === "EPIPE" || err.code === "ECONNRESET")) resolve(status);
      else reject(err);
    });
    socket.on("end", () => {
      const status = statusOf(Buffer.concat(chunks));
      if (status) resolve(status);
      else reject(new Error(`no HTTP status in answer: ${Buffer.concat(chunks).toString("latin1").slice(0, 80)}`));
    });
    // One write, no Nagle: a head and body in two small segments would wait for a delayed ACK.
    socket.setNoDelay(true);
    socket.write(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "latin1"), body ?? Buffer.alloc(0)]));
  });
}

function statusOf(answer: Buffer): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(answer.subarray(0, 20).toString("latin1"));
  return match ? Number(match[1]) : undefined;
}
