// The webhook storm: signed deliveries made by the 4me simulator (captured, not delivered), duplicates of some of
// them, and forged ones, sent at once over the replicas. Shared by the scale test and bench/replicas.ts.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { Agent, request } from "node:http";
import { generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from "jose";
import type { FourMeSimulator } from "../../src/sandbox/fourme/index.js";

export interface StormDelivery {
  deliveryId: string;
  jwt: string;
  kind: "valid" | "duplicate" | "forged";
}

export interface StormResult {
  delivery: StormDelivery;
  status: number;
  /** The connector's `message` (its outcome), e.g. "duplicate: already received". */
  message: string;
  replica: number;
  ms: number;
}

/** Captures what the simulator sends to the connector, answering 200, so it can be replayed elsewhere. */
export async function captureDeliveries(
  fourme: FourMeSimulator,
  produce: () => Promise<unknown>,
  count: number,
): Promise<StormDelivery[]> {
  const sink: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("{}"));
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", () => r()));
  const { port } = sink.address() as { port: number };
  fourme.setConnectorWebhookUrl(`http://127.0.0.1:${port}/webhooks/4me`);
  const seen = fourme.deliveries().length;
  try {
    while (fourme.deliveries().length - seen < count) await produce();
  } finally {
    await new Promise<void>((r) => sink.close(() => r()));
  }
  return fourme
    .deliveries()
    .slice(seen, seen + count)
    .map((d) => ({ deliveryId: d.id, jwt: d.jwt, kind: "valid" as const }));
}

/** Forgeries of real deliveries: a fresh jti under the original signature, or the same claims signed by another key. */
export async function forge(valid: StormDelivery[], count: number): Promise<StormDelivery[]> {
  const alg = decodeProtectedHeader(valid[0]!.jwt).alg!;
  const { privateKey } = await generateKeyPair(alg);
  const out: StormDelivery[] = [];
  for (let i = 0; i < count; i++) {
    const original = valid[i % valid.length]!.jwt;
    const claims = { ...decodeJwt(original), jti: randomUUID() };
    let jwt: string;
    if (i % 2 === 0) {
      const [header, , signature] = original.split(".");
      jwt = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    } else {
      jwt = await new SignJWT(claims)
        .setProtectedHeader(decodeProtectedHeader(original) as { alg: string })
        .sign(privateKey);
    }
    out.push({ deliveryId: randomUUID(), jwt, kind: "forged" });
  }
  return out;
}

/** Deterministic shuffle (the storm's order is reproducible). */
export function shuffle<T>(items: T[], seed = 1): T[] {
  const out = items.slice();
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Sends every delivery, `concurrency` at a time, round-robin over the replica URLs; bounded by the list. */
export async function sendStorm(
  deliveries: StormDelivery[],
  replicaUrls: string[],
  concurrency = 64,
): Promise<StormResult[]> {
  // Free sockets idle for 4 s are dropped (Agent `timeout`), before the server's 5 s keep-alive timeout closes them:
  // otherwise a socket the server is closing can be reused, and that request ends in ECONNRESET with no answer.
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, timeout: 4000 });
  const results: StormResult[] = new Array(deliveries.length);
  let next = 0;
  const post = (i: number) =>
    new Promise<StormResult>((resolve) => {
      const delivery = deliveries[i]!;
      const replica = i % replicaUrls.length;
      const body = JSON.stringify({ jwt: delivery.jwt });
      const started = performance.now();
      const req = request(
        `${replicaUrls[replica]}/webhooks/4me`,
        {
          method: "POST",
          agent,
          headers: {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Length": Buffer.byteLength(body),
            "X-4me-Delivery": delivery.deliveryId,
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => {
            let message = "";
            try {
              message = String((JSON.parse(text) as { message?: unknown }).message ?? "");
            } catch {
              message = text.slice(0, 100);
            }
            resolve({ delivery, status: res.statusCode ?? 0, message, replica, ms: performance.now() - started });
          });
        },
      );
      req.on("error", (err) =>
        resolve({ delivery, status: 0, message: err.message, replica, ms: performance.now() - started }),
      );
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const i = next++;
        results[i] = await post(i);
      }
    }),
  );
  agent.destroy();
  return results;
}

/** The storm's mix: `total` deliveries, 10% duplicates of valid ones, 10% forged. */
export async function buildStorm(
  fourme: FourMeSimulator,
  produce: () => Promise<unknown>,
  total: number,
  seed = 1,
): Promise<StormDelivery[]> {
  const duplicates = Math.round(total * 0.1);
  const forged = Math.round(total * 0.1);
  const valid = await captureDeliveries(fourme, produce, total - duplicates - forged);
  const copies = Array.from({ length: duplicates }, (_, i) => ({
    ...valid[(i * 7) % valid.length]!,
    kind: "duplicate" as const,
  }));
  return shuffle([...valid, ...copies, ...(await forge(valid, forged))], seed);
}
