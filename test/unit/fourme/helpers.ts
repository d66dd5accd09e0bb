// Shared fixtures for the 4me client tests: a recording clock, a factory on fixed hosts, and nock helpers that
// answer GraphQL operations by name and record what was sent.
import nock from "nock";
import type { Config } from "../../../src/config.js";
import { fourMeEndpoints, type FourMeDomain } from "../../../src/fourme/endpoints.js";
import { createFourMeClients, type FourMeClientsOptions } from "../../../src/fourme/index.js";
import type { Clock } from "../../../src/fourme/timing.js";

export const T0 = Date.parse("2026-11-26T10:00:00Z");

/** A clock whose sleep returns at once, advancing time and recording the delay. */
export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public time = T0) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

export function fourmeConfig(domain: FourMeDomain = "4me.com"): Pick<Config, "fourme"> {
  return {
    fourme: {
      ...fourMeEndpoints(domain),
      providerAccount: "wdc",
      providerClientId: "provider-client",
      providerClientSecret: "provider-secret",
      offeringReference: "microsoft_intune",
      webhook: { algorithms: ["RS256"], clockToleranceSeconds: 60 },
    },
  };
}

export function testClients(domain: FourMeDomain = "4me.com", options: FourMeClientsOptions = {}) {
  const clock = options.clock instanceof RecordingClock ? options.clock : new RecordingClock();
  const clients = createFourMeClients(fourmeConfig(domain), {
    clock,
    random: () => 0.5,
    rateLimits: { burstCap: 0 },
    ...options,
  });
  return { clients, clock, graphql: `https://graphql.${domain}`, oauth: `https://oauth.${domain}` };
}

export interface SentRequest {
  operationName: string;
  variables: Record<string, unknown>;
  query: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Answers every token request for the domain with a fresh token (token-1, token-2, …); counts them. */
export function tokenEndpoint(oauth: string, expiresIn = 3600) {
  const state = { calls: 0, bodies: [] as string[], headers: [] as Record<string, unknown>[] };
  nock(oauth)
    .persist()
    .post("/token")
    .reply(function (_uri, body) {
      state.calls++;
      state.bodies.push(String(body));
      state.headers.push({ ...this.req.headers });
      return [200, { access_token: `token-${state.calls}`, token_type: "bearer", expires_in: expiresIn }];
    });
  return state;
}

type Reply = { status?: number; headers?: Record<string, string>; body?: unknown } | Record<string, unknown>;

/**
 * Answers GraphQL operations by name: `handlers[operationName](variables, n)` returns the `data` object, or a full
 * reply `{ status, headers, body }`. Unknown operations fail the test with a 500 naming them.
 */
export function graphqlServer(
  graphql: string,
  handlers: Record<string, (variables: Record<string, unknown>, call: number) => Reply>,
) {
  const sent: SentRequest[] = [];
  const counts = new Map<string, number>();
  nock(graphql)
    .persist()
    .post("/")
    .reply(function (_uri, body) {
      const request = body as { operationName: string; variables?: Record<string, unknown>; query: string };
      const n = (counts.get(request.operationName) ?? 0) + 1;
      counts.set(request.operationName, n);
      sent.push({
        operationName: request.operationName,
        variables: request.variables ?? {},
        query: request.query,
        headers: { ...this.req.headers },
      });
      const handler = handlers[request.operationName];
      if (!handler) return [500, { errors: [{ message: `no handler for ${request.operationName}` }] }];
      const reply = handler(request.variables ?? {}, n);
      if ("status" in reply || "body" in reply || "headers" in reply) {
        const r = reply as { status?: number; headers?: Record<string, string>; body?: unknown };
        return [r.status ?? 200, r.body ?? {}, r.headers ?? {}];
      }
      return [200, { data: reply }];
    });
  return { sent, of: (op: string) => sent.filter((s) => s.operationName === op) };
}

export const page = <T>(nodes: T[], hasNextPage = false, endCursor: string | null = null) => ({
  pageInfo: { hasNextPage, endCursor },
  nodes,
});
