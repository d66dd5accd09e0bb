// The alert settings name a service instance, a team and a request template as the administrator knows them (by
// name; a template by its subject), while 4me's requestCreate takes node ids and refuses anything else (the simulator does too). Each refresh
// resolves them in the customer account and shows in the form what it found; a reference not found stops the
// requests, with the reason in the run summary, instead of sending an id 4me refuses.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { FAILURES } from "../../src/sandbox/fleet/compliance.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { IMPORT_ALL, startSandbox, type Sandbox } from "../../src/sandbox/harness.js";

const SERVICE_INSTANCE = "Endpoint Management (alerts)";
const TEAM = "Service Desk";
const TEMPLATE = "Intune device not compliant";
const field = (ref: unknown, name: string): unknown => (ref as Record<string, unknown> | null)?.[name];

describe("alert settings that name 4me records (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let tenant: string;
  let devices: string[];

  before(async () => {
    const fleet = generateFleet({ seed: 4242, size: 16 });
    fleet.fourme.serviceInstances = [...(fleet.fourme.serviceInstances ?? []), { name: SERVICE_INSTANCE }];
    // An old template with the same subject, disabled: the enabled one is meant, as in the 4me UI.
    fleet.fourme.requestTemplates = [{ subject: TEMPLATE, disabled: true }, { subject: TEMPLATE }];
    sb = await startSandbox({ fleet, instantWaits: true });
    tenant = fleet.tenants[0]!.domain;
    const t = sb.microsoft.controls.tenant(tenant);
    for (const d of t.devices) sb.microsoft.controls.setCompliance(tenant, String(d["id"]), "compliant");
    devices = t.devices.filter((d) => d["operatingSystem"] === "Windows").map((d) => String(d["id"]));
    await sb.setup({
      tenants: [{ domain: tenant }],
      fields: [
        ...IMPORT_ALL,
        { id: Field.supportTeam, value: TEAM },
        { id: Field.alertsEnabled, value: true },
        { id: Field.alertsServiceInstance, value: SERVICE_INSTANCE },
        { id: Field.alertsTeam, value: TEAM },
      ],
    });
  });
  after(async () => sb?.close());

  const requests = () => sb.fourme.inspect.requests(sb.account);

  it("finds the service instance and team by name, shows them in the form, and routes the request to them", async () => {
    expect(String(sb.formValues()[Field.alertsReferences])).to.equal(
      `Service instance: ${SERVICE_INSTANCE} (found)\nTeam: ${TEAM} (found)`,
    );
    sb.microsoft.controls.setCompliance(tenant, devices[0]!, "noncompliant", [...FAILURES.bitlocker]);
    const { run } = await sb.sync();
    expect(run?.errors).to.deep.equal([]);
    const created = requests();
    expect(created).to.have.length(1);
    expect(field(created[0]!.serviceInstance, "name")).to.equal(SERVICE_INSTANCE);
    expect(field(created[0]!.team, "name")).to.equal(TEAM);
  });

  it("finds the request template by its subject, shows it found, and creates the request from that template", async () => {
    await sb.saveForm([{ id: Field.alertsTemplate, value: TEMPLATE }]);
    expect(String(sb.formValues()[Field.alertsReferences])).to.equal(
      `Service instance: ${SERVICE_INSTANCE} (found)\nTeam: ${TEAM} (found)\nRequest template: ${TEMPLATE} (found)`,
    );
    const before = requests().length;
    sb.microsoft.controls.setCompliance(tenant, devices[2]!, "noncompliant", [...FAILURES.bitlocker]);
    const { run } = await sb.sync();
    expect(run?.errors).to.deep.equal([]);
    const created = requests().slice(before);
    expect(created).to.have.length(1);
    // The enabled one of the two templates with this subject.
    const enabled = sb.fourme.accounts.requestTemplates
      .inAccount(sb.account)
      .filter((t) => t.subject === TEMPLATE && !t.disabled);
    expect(enabled).to.have.length(1);
    expect(created[0]!.templateId).to.equal(enabled[0]!.id);
    expect(field(created[0]!.template, "subject")).to.equal(TEMPLATE);
  });

  it("raises no request while a reference is not found, says so in the form and the run summary", async () => {
    await sb.saveForm([{ id: Field.alertsTeam, value: "Nobody's Team" }]);
    expect(String(sb.formValues()[Field.alertsReferences])).to.contain(
      `Team: not found: no team has the name or id "Nobody's Team"`,
    );
    const before = requests().length;
    sb.fourme.resetStats();
    sb.microsoft.controls.setCompliance(tenant, devices[1]!, "noncompliant", [...FAILURES.bitlocker]);
    const { run } = await sb.sync();
    expect(requests()).to.have.length(before);
    expect(sb.fourme.stats().byMutation.requestCreate ?? 0).to.equal(0);
    expect(run?.errors.join("\n")).to.contain("no request raised, fix the form: Team: no team has the name");
  });
});
