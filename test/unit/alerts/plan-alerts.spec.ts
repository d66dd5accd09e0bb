import { expect } from "chai";
import {
  alertSourceId,
  COMPLIANT_HASH,
  planAlerts,
  type AlertAction,
  type AlertDevice,
  type AlertPlan,
  type PlanAlertsInput,
} from "../../../src/alerts/plan-alerts.js";
import { detailHashOf, normaliseFailures } from "../../../src/alerts/render-note.js";
import type { DeviceCompliance } from "../../../src/intune/types.js";
import type { AlertEntry } from "../../../src/store/types.js";
import {
  alertDevice,
  bitLocker,
  compliance,
  compliantDefault,
  DEVICE,
  firewallAntivirus,
  NOW,
  SETTINGS,
  TENANT,
} from "./fixtures.js";

const later = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

/** Runs the planner the way run-alerts does over several syncs: actions are applied to the ledger. */
class World {
  ledger: AlertEntry[] = [];
  requests = 0;
  statuses: Record<string, string> = {};

  run(c: DeviceCompliance[], over: Partial<PlanAlertsInput> = {}, devices: AlertDevice[] = [alertDevice()]): AlertPlan {
    const plan = planAlerts({
      account: "widget",
      compliance: c,
      devices,
      alertLedger: this.ledger,
      settings: SETTINGS,
      gone: [],
      requestStatuses: this.statuses,
      now: NOW,
      ...over,
    });
    for (const a of plan.actions) this.apply(a);
    return plan;
  }

  apply(a: AlertAction): void {
    const put = (e: AlertEntry) => {
      this.ledger = [...this.ledger.filter((x) => x.tenantId !== e.tenantId || x.deviceId !== e.deviceId), e];
    };
    if (a.kind === "create") put({ ...a.entry, state: "open", requestId: `req-${++this.requests}` });
    else if (a.kind === "settlePending") put({ ...a.entry, state: "resolved" });
    else put(a.entry);
  }

  entry(): AlertEntry | undefined {
    return this.ledger.find((e) => e.deviceId === DEVICE);
  }
}

const kinds = (p: AlertPlan) => p.actions.map((a) => a.kind);
const failing = () => compliance("noncompliant", [firewallAntivirus, compliantDefault]);

describe("planAlerts", () => {
  it("does nothing while alerts are switched off", () => {
    const w = new World();
    expect(w.run([failing()], { settings: { ...SETTINGS, enabled: false } }).actions).to.deep.equal([]);
  });

  it("raises one request for a first violation, with everything a service desk needs", () => {
    const w = new World();
    const p = w.run([failing()]);
    expect(kinds(p)).to.deep.equal(["create"]);
    const a = p.actions[0] as Extract<AlertAction, { kind: "create" }>;
    expect(a.findExistingFirst).to.equal(false);
    expect(a.request).to.deep.include({
      subject: "Intune compliance: LAPTOP-123 is noncompliant (Firewall, Antivirus)",
      category: "incident",
      impact: "low",
      requestedForId: "person-1",
      configurationItemIds: ["ci-1"],
      serviceInstanceId: "si-ci",
      source: "Intune",
      sourceID: `${TENANT}/${DEVICE}`,
    });
    expect(a.request).to.not.have.property("teamId");
    expect(a.request.note).to.include("- WIN - Baseline compliance (Not compliant)\n  - Firewall: Not compliant");
    expect(a.request.note).to.include("/~/compliance/mdmDeviceId/" + DEVICE);
    expect(a.entry).to.deep.include({ state: "pending", account: "widget", tenantId: TENANT, deviceId: DEVICE });
    expect(a.entry.detailHash).to.equal(detailHashOf(normaliseFailures([firewallAntivirus])));
    expect(JSON.parse(a.entry.detail)).to.deep.equal(normaliseFailures([firewallAntivirus]));
    expect(p.counts).to.deep.equal({ create: 1 });
  });

  it("passes the form's team, template, category and impact", () => {
    const settings = {
      ...SETTINGS,
      teamId: "team-1",
      templateId: "tpl-1",
      category: "rfc" as const,
      impact: "high" as const,
    };
    const a = new World().run([failing()], { settings }).actions[0] as Extract<AlertAction, { kind: "create" }>;
    expect(a.request).to.deep.include({ teamId: "team-1", templateId: "tpl-1", category: "rfc", impact: "high" });
  });

  it("uses the default service instance for a CI without one, and none when the form has none", () => {
    const w = new World();
    const noSi = [alertDevice({ serviceInstanceId: undefined })];
    const a = w.run([failing()], {}, noSi).actions[0] as Extract<AlertAction, { kind: "create" }>;
    expect(a.request.serviceInstanceId).to.equal("si-default");
    const b = new World().run([failing()], { settings: { ...SETTINGS, serviceInstanceId: undefined } }, noSi)
      .actions[0] as Extract<AlertAction, { kind: "create" }>;
    expect(b.request).to.not.have.property("serviceInstanceId");
  });

  it("raises the request without a requester when the device's user is not in 4me", () => {
    const a = new World().run([failing()], {}, [alertDevice({ personId: undefined })]).actions[0] as Extract<
      AlertAction,
      { kind: "create" }
    >;
    expect(a.request).to.not.have.property("requestedForId");
  });

  it("waits for the CI before alerting a device that has none yet", () => {
    const p = new World().run([failing()], {}, [alertDevice({ ciId: undefined })]);
    expect(p.actions).to.deep.equal([]);
    expect(p.skipped).to.deep.equal([{ tenantId: TENANT, deviceId: DEVICE, reason: "no_ci" }]);
  });

  it("adds nothing while the same violation persists", () => {
    const w = new World();
    w.run([failing()]);
    const p = w.run([failing()]);
    expect(p.actions).to.deep.equal([]);
    expect(p.counts).to.deep.equal({ unchanged: 1 });
  });

  it("adds one note saying what changed when the violation changes, and nothing after", () => {
    const w = new World();
    w.run([failing()]);
    const p = w.run([compliance("noncompliant", [firewallAntivirus, bitLocker])]);
    expect(kinds(p)).to.deep.equal(["addNote"]);
    const a = p.actions[0] as Extract<AlertAction, { kind: "addNote" }>;
    expect(a.requestId).to.equal("req-1");
    expect(a.note).to.include("Now failing:\n- WIN - Encryption required: BitLocker (Not compliant)");
    expect(w.run([compliance("noncompliant", [firewallAntivirus, bitLocker])]).actions).to.deep.equal([]);
  });

  it("still notes a change when the ledger's stored detail is unreadable", () => {
    const w = new World();
    w.run([failing()]);
    w.ledger = w.ledger.map((e) => ({ ...e, detail: "{not json" }));
    const p = w.run([compliance("noncompliant", [bitLocker])]);
    expect(kinds(p)).to.deep.equal(["addNote"]);
    expect((p.actions[0] as Extract<AlertAction, { kind: "addNote" }>).note).to.include("Now failing:");
  });

  it("does not note a change when the failing settings could not be read this time", () => {
    const w = new World();
    w.run([failing()]);
    expect(w.run([compliance("noncompliant", [])]).actions).to.deep.equal([]);
  });

  it("completes the request with a closing note when the device complies again", () => {
    const w = new World();
    w.run([failing()]);
    const p = w.run([compliance("compliant")]);
    expect(kinds(p)).to.deep.equal(["resolve"]);
    const a = p.actions[0] as Extract<AlertAction, { kind: "resolve" }>;
    expect(a).to.deep.include({ requestId: "req-1", completionReason: "solved" });
    expect(a.note).to.include("as compliant again");
    expect(a.entry).to.deep.include({ state: "resolved", detailHash: COMPLIANT_HASH, requestId: "req-1" });
    expect(w.run([compliance("compliant")]).actions).to.deep.equal([]);
  });

  it("only notes compliance, once, when auto-resolve is off", () => {
    const w = new World();
    const settings = { ...SETTINGS, autoResolve: false };
    w.run([failing()], { settings });
    const p = w.run([compliance("compliant")], { settings });
    expect(kinds(p)).to.deep.equal(["addNote"]);
    expect((p.actions[0] as Extract<AlertAction, { kind: "addNote" }>).note).to.include("stays open");
    expect(w.run([compliance("compliant")], { settings }).actions).to.deep.equal([]);
    // Failing again while the request is still open: one note, no second request.
    const again = w.run([failing()], { settings });
    expect(kinds(again)).to.deep.equal(["addNote"]);
    expect((again.actions[0] as Extract<AlertAction, { kind: "addNote" }>).note).to.include("noncompliant again");
  });

  it("opens a new request referring to the previous one when a device fails again later", () => {
    const w = new World();
    w.run([failing()]);
    w.run([compliance("compliant")]);
    const p = w.run([failing()], { requestNumbers: { "req-1": "70454" } });
    expect(kinds(p)).to.deep.equal(["create"]);
    const a = p.actions[0] as Extract<AlertAction, { kind: "create" }>;
    expect(a.entry.previousRequestId).to.equal("req-1");
    expect(a.request.note).to.include("see request #70454");
    expect(w.entry()).to.deep.include({ state: "open", requestId: "req-2", previousRequestId: "req-1" });
  });

  describe("a request completed by a person", () => {
    it("is respected: nothing is written while the same violation persists", () => {
      const w = new World();
      w.run([failing()]);
      w.statuses["req-1"] = "completed";
      const p = w.run([failing()]);
      expect(kinds(p)).to.deep.equal(["ledger"]);
      expect(p.actions[0]).to.deep.include({ why: "closed_by_person" });
      expect(w.entry()?.state).to.equal("closed_by_person");
      expect(w.run([failing()]).actions).to.deep.equal([]);
    });

    it("is not completed again when the device complies", () => {
      const w = new World();
      w.run([failing()]);
      w.statuses["req-1"] = "declined";
      const p = w.run([compliance("compliant")]);
      expect(kinds(p)).to.deep.equal(["ledger", "ledger"]);
      expect(p.actions.map((a) => (a.kind === "ledger" ? a.why : ""))).to.deep.equal([
        "closed_by_person",
        "compliant_after_close",
      ]);
      // Failing again later, even the same way, is a new violation.
      const again = w.run([failing()]);
      expect(kinds(again)).to.deep.equal(["create"]);
    });

    it("is followed by a new request when the violation changes", () => {
      const w = new World();
      w.run([failing()]);
      w.statuses["req-1"] = "completed";
      const p = w.run([compliance("noncompliant", [bitLocker])]);
      expect(kinds(p)).to.deep.equal(["ledger", "create"]);
      expect((p.actions[1] as Extract<AlertAction, { kind: "create" }>).entry.previousRequestId).to.equal("req-1");
    });
  });

  describe("grace period", () => {
    const grace = () => compliance("inGracePeriod", [firewallAntivirus]);
    const inGrace = [alertDevice({ graceExpiresAt: "2025-06-04T19:12:05Z" })];

    it("does not alert a device in its grace period by default", () => {
      const p = new World().run([grace()], {}, inGrace);
      expect(p.actions).to.deep.equal([]);
      expect(p.counts).to.deep.equal({ "skipped:in_grace_period": 1 });
    });

    it("alerts a device in its grace period when the form asks for it, saying so", () => {
      const p = new World().run([grace()], { settings: { ...SETTINGS, duringGracePeriod: true } }, inGrace);
      const a = p.actions[0] as Extract<AlertAction, { kind: "create" }>;
      expect(a.request.subject).to.equal(
        "Intune compliance: LAPTOP-123 is noncompliant, in its grace period (Firewall, Antivirus)",
      );
      expect(a.request.note).to.include("grace period ends 2025-06-04 19:12 UTC");
    });

    it("alerts once the grace period has ended, even before Intune re-evaluates the device", () => {
      const p = new World().run([grace()], { now: later(3) }, inGrace);
      expect(kinds(p)).to.deep.equal(["create"]);
      expect((p.actions[0] as Extract<AlertAction, { kind: "create" }>).request.subject).to.not.include("grace");
    });
  });

  describe("devices that leave", () => {
    it("notes once on the open request of a device removed from Intune, and does not complete it", () => {
      const w = new World();
      w.run([failing()]);
      const gone = [{ tenantId: TENANT, deviceId: DEVICE, reason: "removed" as const }];
      const p = w.run([], { gone }, []);
      expect(kinds(p)).to.deep.equal(["noteDeviceGone"]);
      const a = p.actions[0] as Extract<AlertAction, { kind: "noteDeviceGone" }>;
      expect(a.requestId).to.equal("req-1");
      expect(a.note).to.include(`${DEVICE} is no longer in Intune`);
      expect(a.entry.state).to.equal("open");
      expect(w.run([], { gone }, []).actions).to.deep.equal([]);
    });

    it("notes a device that the filters now exclude, by name", () => {
      const w = new World();
      w.run([failing()]);
      const p = w.run(
        [],
        { gone: [{ tenantId: TENANT, deviceId: DEVICE, reason: "filtered", name: "LAPTOP-123" }] },
        [],
      );
      expect((p.actions[0] as Extract<AlertAction, { kind: "noteDeviceGone" }>).note).to.include(
        "The import filters now exclude LAPTOP-123",
      );
    });

    it("writes nothing for a device that leaves without an open request", () => {
      const w = new World();
      w.run([failing()]);
      w.run([compliance("compliant")]);
      expect(
        w.run([], { gone: [{ tenantId: TENANT, deviceId: DEVICE, reason: "removed" }] }, []).actions,
      ).to.deep.equal([]);
    });

    it("notes a device that comes back still failing", () => {
      const w = new World();
      w.run([failing()]);
      w.run([], { gone: [{ tenantId: TENANT, deviceId: DEVICE, reason: "removed" }] }, []);
      const p = w.run([failing()]);
      expect(kinds(p)).to.deep.equal(["addNote"]);
      expect((p.actions[0] as Extract<AlertAction, { kind: "addNote" }>).note).to.include("noncompliant again");
    });
  });

  describe("after a crash between creating a request and recording it", () => {
    it("looks for the request by source and sourceID before creating it again", () => {
      const w = new World();
      const first = w.run([failing()]).actions[0] as Extract<AlertAction, { kind: "create" }>;
      w.ledger = [first.entry]; // the pending entry was stored; the request id never was
      const p = w.run([failing()]);
      expect(kinds(p)).to.deep.equal(["create"]);
      const a = p.actions[0] as Extract<AlertAction, { kind: "create" }>;
      expect(a.findExistingFirst).to.equal(true);
      expect(a.request.sourceID).to.equal(alertSourceId(TENANT, DEVICE));
    });

    it("settles a pending entry of a device that is no longer failing", () => {
      const w = new World();
      const first = w.run([failing()]).actions[0] as Extract<AlertAction, { kind: "create" }>;
      w.ledger = [first.entry];
      const p = w.run([compliance("compliant")]);
      expect(p.actions).to.deep.equal([
        {
          tenantId: TENANT,
          deviceId: DEVICE,
          kind: "settlePending",
          source: "Intune",
          sourceID: `${TENANT}/${DEVICE}`,
          entry: { ...first.entry, updatedAt: NOW.toISOString() },
        },
      ]);
    });
  });

  it("neither raises nor resolves on states that prove nothing (unknown, error, conflict, configManager)", () => {
    for (const state of ["unknown", "error", "conflict", "configManager"]) {
      expect(new World().run([compliance(state, [firewallAntivirus])]).actions, state).to.deep.equal([]);
      const w = new World();
      w.run([failing()]);
      expect(w.run([compliance(state)]).actions, state).to.deep.equal([]);
    }
  });

  it("falls back to the device's own state for devices the compliance reader did not flag", () => {
    const w = new World();
    w.run([failing()]);
    const p = w.run([], {}, [alertDevice({ complianceState: "compliant" })]);
    expect(kinds(p)).to.deep.equal(["resolve"]);
    expect(new World().run([], {}, [alertDevice({ complianceState: "compliant" })]).actions).to.deep.equal([]);
    expect(new World().run([], {}, [alertDevice()]).actions).to.deep.equal([]);
  });

  it("waits a run when a failing device's detail could not be read", () => {
    const p = new World().run([], {}, [alertDevice({ complianceState: "noncompliant" })]);
    expect(p.actions).to.deep.equal([]);
    expect(p.skipped).to.deep.equal([{ tenantId: TENANT, deviceId: DEVICE, reason: "detail_unavailable" }]);
    const w = new World();
    w.run([failing()]);
    const again = w.run([], {}, [alertDevice({ complianceState: "noncompliant" })]);
    expect(again.actions).to.deep.equal([]);
    expect(again.counts).to.deep.equal({ unchanged: 1 });
  });

  it("skips compliance of a device it has no information about", () => {
    const p = new World().run([compliance("noncompliant", [firewallAntivirus], "other-device")]);
    expect(p.skipped).to.deep.equal([{ tenantId: TENANT, deviceId: "other-device", reason: "unknown_device" }]);
  });

  it("keeps one open request per device across many devices", () => {
    const ids = Array.from({ length: 30 }, (_, i) => `dev-${i}`);
    const w = new World();
    const devices = ids.map((id) => alertDevice({ deviceId: id, ciId: `ci-${id}` }));
    const c = ids.map((id) => compliance("noncompliant", [firewallAntivirus], id));
    expect(w.run(c, {}, devices).actions.filter((a) => a.kind === "create")).to.have.length(30);
    expect(w.run(c, {}, devices).actions).to.deep.equal([]);
    expect(new Set(w.ledger.map((e) => e.requestId)).size).to.equal(30);
  });
});
