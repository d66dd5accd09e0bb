// Shared set-up for the Microsoft simulator tests: a small fleet, a started simulator, and a token fetcher.
import { generateFleet, type GenerateOptions } from "../../../../src/sandbox/fleet/generate.js";
import {
  startMicrosoftSimulator,
  type MicrosoftSimulator,
  type MicrosoftSimulatorOptions,
} from "../../../../src/sandbox/microsoft/index.js";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function startSim(
  fleet: GenerateOptions = { seed: 1, size: 60 },
  opts: Partial<MicrosoftSimulatorOptions> = {},
): Promise<MicrosoftSimulator> {
  return startMicrosoftSimulator({ fleet: generateFleet(fleet), consented: "all", ...opts });
}

const SCOPES: Record<string, string> = {
  global: "https://graph.microsoft.com/.default",
  usgov: "https://graph.microsoft.us/.default",
  "usgov-dod": "https://dod-graph.microsoft.us/.default",
  china: "https://microsoftgraph.chinacloudapi.cn/.default",
};

export async function tokenRequest(
  sim: MicrosoftSimulator,
  tenant = "contoso.com",
  cloud = "global",
  form: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const r = await fetch(`${sim.loginUrl}/${cloud}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: sim.app.clientId,
      client_secret: sim.app.clientSecret!,
      scope: SCOPES[cloud]!,
      ...form,
    }),
  });
  return { status: r.status, body: (await r.json()) as Json };
}

export async function token(sim: MicrosoftSimulator, tenant = "contoso.com", cloud = "global"): Promise<string> {
  const r = await tokenRequest(sim, tenant, cloud);
  if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body["access_token"] as string;
}

export async function graphGet(
  sim: MicrosoftSimulator,
  accessToken: string,
  path: string,
  cloud = "global",
): Promise<{ status: number; headers: Headers; body: Json }> {
  const url = path.startsWith("http") ? path : `${sim.graphUrl}/${cloud}${path}`;
  const r = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: r.status, headers: r.headers, body: (await r.json()) as Json };
}

export function jwtClaims(jwt: string): Json {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Json;
}
