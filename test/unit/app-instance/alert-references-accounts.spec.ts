// Second customer: the alert settings' references are looked up in the account that typed them, through its own
// API. Account globex naming account acme's service instance, team and request template (by name or subject, and by
// node id) finds none of them, against the simulated 4me; acme finds its own (the baseline the refusal differs from).
import { expect } from "chai";
import { lookupThrough, resolveAlertReferences } from "../../../src/app-instance/alert-references.js";
import type { AlertSettings } from "../../../src/app-instance/settings.js";
import { startFourMeSimulator, type FourMeSimulator } from "../../../src/sandbox/fourme/index.js";
import { customerApiOn } from "../../helpers/sim-customer-api.js";

const BASE: AlertSettings = {
  enabled: true,
  category: "incident",
  impact: "low",
  duringGracePeriod: false,
  autoResolve: true,
  maxNewPerRun: 100,
};
const NAMES = { serviceInstanceId: "Acme Endpoints", teamId: "Acme Desk", templateId: "Acme device noncompliant" };

describe("alert references of one account are never found from another", () => {
  let sim: FourMeSimulator;
  let ids: typeof NAMES;

  before(async () => {
    sim = await startFourMeSimulator();
    const acme = sim.seedAccount("acme", {
      people: [],
      products: [],
      cis: [],
      teams: [{ name: NAMES.teamId }],
      serviceInstances: [{ name: NAMES.serviceInstanceId }],
      requestTemplates: [{ subject: NAMES.templateId }],
    });
    sim.seedAccount("globex", { people: [], products: [], cis: [], teams: [{ name: "Globex Desk" }] });
    ids = {
      serviceInstanceId: acme.serviceInstanceIds[NAMES.serviceInstanceId]!,
      teamId: acme.teamIds[NAMES.teamId]!,
      templateId: acme.requestTemplateIds[NAMES.templateId]!,
    };
  });
  after(() => sim?.close());

  const resolveIn = (account: string, typed: Partial<AlertSettings>) =>
    resolveAlertReferences(
      { ...BASE, ...typed },
      lookupThrough(() => customerApiOn(sim, account)),
    );

  it("finds acme's references in acme, by name and by node id", async () => {
    for (const typed of [NAMES, ids]) {
      const r = await resolveIn("acme", typed);
      expect(r.problem, JSON.stringify(typed)).to.equal(undefined);
      expect(r.alerts).to.include(ids);
    }
  });

  it("finds none of them from globex, by name or by node id, and says so", async () => {
    for (const typed of [NAMES, ids]) {
      const r = await resolveIn("globex", typed);
      expect(r.alerts.serviceInstanceId).to.equal(undefined);
      expect(r.alerts.teamId).to.equal(undefined);
      expect(r.alerts.templateId).to.equal(undefined);
      expect(r.problem).to.match(
        /^no request raised, fix the form: Service instance: .*; Team: .*; Request template: /,
      );
    }
  });
});
