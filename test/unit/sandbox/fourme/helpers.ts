// Test helpers: a simulator on an ephemeral port and a tiny GraphQL client that also returns status and headers.
import {
  startFourMeSimulator,
  type FourMeSimulator,
  type FourMeSimulatorOptions,
} from "../../../../src/sandbox/fourme/index.js";

/** GraphQL results in tests are read field by field; chai checks the shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: { message: string }[] } & Record<string, unknown>;
}

export async function token(sim: FourMeSimulator, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(sim.oauthTokenUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface Client {
  account: string;
  token: string;
  gql<T = Json>(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<GqlResponse<T>>;
  /** The data of a request that must succeed without GraphQL errors. */
  data<T = Json>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export async function clientFor(sim: FourMeSimulator, account: string): Promise<Client> {
  const creds = account === sim.provider.account ? sim.provider : sim.createOAuthClient(account);
  const t = await token(sim, creds.clientId, creds.clientSecret);
  const gql = async <T>(query: string, variables?: Record<string, unknown>, operationName?: string) => {
    const res = await fetch(sim.graphqlUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${t}`, "X-4me-Account": account },
      body: JSON.stringify({ query, variables, operationName }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as GqlResponse<T>["body"] };
  };
  return {
    account,
    token: t,
    gql,
    data: async <T>(query: string, variables?: Record<string, unknown>) => {
      const r = await gql<T>(query, variables);
      if (r.status !== 200 || r.body.errors)
        throw new Error(`GraphQL failed: ${r.status} ${JSON.stringify(r.body.errors ?? r.body)}`);
      return r.body.data as T;
    },
  };
}

/** A small account: a team, a category, a product (optionally with a UI extension), people. */
export const SMALL_SEED = {
  teams: [{ name: "Workplace Support" }],
  serviceInstances: [{ name: "Laptops" }],
  people: [
    { name: "Jane Doe", primaryEmail: "jane.doe@example.com", authenticationID: "jane@corp" },
    { name: "John Roe", primaryEmail: "john.roe@example.com" },
    { name: "Gone Person", primaryEmail: "gone@example.com", disabled: true },
  ],
  products: [
    {
      brand: "Dell",
      model: "Latitude 7440",
      name: "Dell Latitude 7440",
      categoryReference: "laptop",
      categoryName: "Laptop",
    },
  ],
  cis: [
    { name: "OLD-LAPTOP-1", serialNr: "5CG1234XYZ", brand: "Dell", model: "Latitude 7440", status: "in_production" },
  ],
};

export async function withSim(options: FourMeSimulatorOptions = {}): Promise<FourMeSimulator> {
  return startFourMeSimulator(options);
}
