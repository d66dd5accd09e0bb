// A CustomerApi on the simulated 4me, as the connector builds it, with the local rate limits off and no wait before
// a bulk upload's first result read: for tests that drive the API against the simulator directly.
import { createFourMeClients } from "../../src/fourme/index.js";
import type { CustomerApi } from "../../src/fourme/customer-api.js";
import type { FourMeSimulator } from "../../src/sandbox/fourme/index.js";

export async function customerApiOn(sim: FourMeSimulator, account: string): Promise<CustomerApi> {
  const clients = createFourMeClients(
    {
      fourme: {
        graphqlUrl: sim.graphqlUrl,
        oauthTokenUrl: sim.oauthTokenUrl,
        domain: sim.domain,
        accountUrlTemplate: sim.accountUrlTemplate,
        providerAccount: sim.provider.account,
        offeringReference: sim.offeringReference,
        webhook: { algorithms: ["RS256"], clockToleranceSeconds: 60 },
      },
    } as never,
    { rateLimits: { burstCap: 0, requestsPerHour: 0 }, customer: { discovery: { initialDelayMs: 0 } } },
  );
  return clients.customer(account, sim.createOAuthClient(account));
}
