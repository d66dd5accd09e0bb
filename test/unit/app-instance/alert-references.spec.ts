import { expect } from "chai";
import {
  resolveAlertReferences,
  type FoundRecord,
  type ReferenceLookup,
} from "../../../src/app-instance/alert-references.js";
import type { AlertSettings } from "../../../src/app-instance/settings.js";

const BASE: AlertSettings = {
  enabled: true,
  category: "incident",
  impact: "low",
  duringGracePeriod: false,
  autoResolve: true,
  maxNewPerRun: 100,
};
const SI_ID = "NG1lLmNvbS9TZXJ2aWNlSW5zdGFuY2UvMQ";
const TEMPLATE_ID = "NG1lLmNvbS9SZXF1ZXN0VGVtcGxhdGUvNw";

function lookup(over: Partial<Record<keyof ReferenceLookup, unknown>> = {}): ReferenceLookup {
  const sis: FoundRecord[] = [{ id: SI_ID, name: "Endpoints" }];
  const teams: FoundRecord[] = [
    { id: "team-1", name: "Desk" },
    { id: "team-2", name: "Twice" },
    { id: "team-3", name: "Twice" },
    { id: "team-4", name: "Old", disabled: true },
  ];
  const templates: FoundRecord[] = [
    { id: "tpl-1", name: "Device noncompliant" },
    { id: "tpl-2", name: "Shared subject" },
    { id: "tpl-3", name: "Shared subject" },
    { id: "tpl-4", name: "Retired", disabled: true },
    { id: "tpl-5", name: "Reissued", disabled: true },
    { id: "tpl-6", name: "Reissued" },
    // 4me's subject filter could match without case; only the exact subject counts.
    { id: "tpl-7", name: "device NONCOMPLIANT" },
  ];
  const base: ReferenceLookup = {
    serviceInstancesByName: async (n) => sis.filter((r) => r.name === n),
    teamsByName: async (n) => teams.filter((r) => r.name === n),
    requestTemplatesBySubject: async (n) => templates.filter((r) => r.name?.toLowerCase() === n.toLowerCase()),
    byId: async (id) =>
      id === SI_ID
        ? { ...sis[0]!, type: "ServiceInstance" }
        : id === TEMPLATE_ID
          ? { id, name: "Laptop noncompliant", type: "RequestTemplate" }
          : undefined,
  };
  return { ...base, ...(over as Partial<ReferenceLookup>) };
}

describe("resolveAlertReferences", () => {
  it("finds a service instance and a team by name, a template by node id, and shows each", async () => {
    const r = await resolveAlertReferences(
      { ...BASE, serviceInstanceId: "Endpoints", teamId: "Desk", templateId: TEMPLATE_ID },
      lookup(),
    );
    expect(r.alerts).to.include({ serviceInstanceId: SI_ID, teamId: "team-1", templateId: TEMPLATE_ID });
    expect(r.problem).to.equal(undefined);
    expect(r.status).to.equal(
      "Service instance: Endpoints (found)\nTeam: Desk (found)\nRequest template: Laptop noncompliant (found)",
    );
  });

  it("accepts a node id where a name was expected, and checks that it is a record of the right type", async () => {
    expect(
      (await resolveAlertReferences({ ...BASE, serviceInstanceId: SI_ID }, lookup())).alerts.serviceInstanceId,
    ).to.equal(SI_ID);
    const wrongType = await resolveAlertReferences({ ...BASE, teamId: SI_ID }, lookup());
    expect(wrongType.alerts.teamId).to.equal(undefined);
    expect(wrongType.problem).to.contain("Team: no team has the name or id");
  });

  it("never keeps the typed text as an id: not found, ambiguous, disabled, or not checked", async () => {
    const cases: [Partial<AlertSettings>, RegExp][] = [
      [{ teamId: "Nobody" }, /Team: no team has the name or id "Nobody"/],
      [{ teamId: "Twice" }, /2 records have the name "Twice"/],
      [{ teamId: "Old" }, /"Old" is disabled in 4me/],
      [{ templateId: "Laptop noncompliant" }, /Request template: no request template has the subject or id "Laptop/],
      [
        { templateId: "Shared subject" },
        /Request template: could not be checked \(2 records have the name "Shared subject": give its id\)/,
      ],
      [{ templateId: "Retired" }, /Request template: "Retired" is disabled in 4me/],
    ];
    for (const [settings, why] of cases) {
      const r = await resolveAlertReferences({ ...BASE, ...settings }, lookup());
      expect(r.alerts.teamId ?? r.alerts.templateId, JSON.stringify(settings)).to.equal(undefined);
      expect(r.problem).to.match(why);
      expect(r.status).to.contain("not found");
    }
    const down = lookup({ teamsByName: async () => Promise.reject(new Error("4me down")) });
    const r = await resolveAlertReferences({ ...BASE, teamId: "Desk" }, down);
    expect(r.alerts.teamId).to.equal(undefined);
    expect(r.problem).to.contain("could not be checked (4me down)");
  });

  it("finds a request template by its exact subject, preferring the enabled one, and still by node id", async () => {
    const bySubject = await resolveAlertReferences({ ...BASE, templateId: "Device noncompliant" }, lookup());
    expect(bySubject.alerts.templateId).to.equal("tpl-1");
    expect(bySubject.problem).to.equal(undefined);
    expect(bySubject.status).to.equal("Request template: Device noncompliant (found)");
    const reissued = await resolveAlertReferences({ ...BASE, templateId: "Reissued" }, lookup());
    expect(reissued.alerts.templateId).to.equal("tpl-6");
    const byId = await resolveAlertReferences({ ...BASE, templateId: TEMPLATE_ID }, lookup());
    expect(byId.alerts.templateId).to.equal(TEMPLATE_ID);
    expect(byId.status).to.equal("Request template: Laptop noncompliant (found)");
  });

  it("says a template could not be checked when the subject lookup fails, and keeps no id", async () => {
    const down = lookup({ requestTemplatesBySubject: async () => Promise.reject(new Error("4me down")) });
    const r = await resolveAlertReferences({ ...BASE, templateId: "Device noncompliant" }, down);
    expect(r.alerts.templateId).to.equal(undefined);
    expect(r.problem).to.contain("Request template: could not be checked (4me down)");
  });

  it("shows nothing and finds no problem when no reference is set", async () => {
    expect(await resolveAlertReferences(BASE, lookup())).to.deep.equal({
      alerts: BASE,
      problem: undefined,
      status: "",
    });
  });
});
