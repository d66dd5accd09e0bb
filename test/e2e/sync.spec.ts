// The sync engine end to end (issue 6): the connector built by buildConnector, configured through readConfig,
// talks HTTP to the simulated 4me and Microsoft on 127.0.0.1. One world evolves through the tests in order: first
// import, an unchanged re-sync, changes, removal and return, owner change, filter changes.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { isPlaceholderSerial } from "../../src/sandbox/fleet/fourme-seed.js";
import type { SimTenant } from "../../src/sandbox/fleet/types.js";
import type { SyncRun } from "../../src/store/types.js";
import {
  BASE_FORM,
  SUPPORT_TEAM,
  asCustomer,
  ciOf,
  cis,
  customerMutations,
  fieldOf,
  hardCases,
  ordinaryDevices,
  ourCis,
  startTestSandbox,
  str,
  tenantOf,
  totalOf,
  type Sandbox,
} from "./helpers/sandbox.js";

const SIZE = 200;

describe("sync against the sandbox (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let tenant: SimTenant;
  let first: SyncRun;
  /** An ordinary device whose serial two active 4me CIs share. */
  let ambiguous: Record<string, unknown>;
  let ambiguousCiIds: string[];

  const lastRun = async () => (await sb.runs(1))[0];
  const inScope = (d: Record<string, unknown>) =>
    !(d["deviceName"] === "User deleted for this device") &&
    !(d["operatingSystem"] === "Windows" && d["managedDeviceOwnerType"] === "personal");

  before(async () => {
    const fleet = generateFleet({ seed: 11, size: SIZE });
    sb = await startTestSandbox({ fleet });
    tenant = tenantOf(sb);
    // Two active CIs somebody made by hand for one laptop, under different brands (4me keeps brand + serial unique).
    const seededSerials = new Set(fleet.fourme.cis.map((c) => c.serialNr.toLowerCase()));
    ambiguous = ordinaryDevices(tenant).find(
      (d) => d["operatingSystem"] === "Windows" && !seededSerials.has(str(d, "serialNumber").toLowerCase()),
    )!;
    const twins = sb.fourme.seedAccount(sb.account, {
      people: [],
      teams: [{ name: SUPPORT_TEAM }],
      products: [],
      cis: [
        {
          name: "HAND-MADE-1",
          serialNr: str(ambiguous, "serialNumber"),
          brand: "Acme",
          model: "X1",
          status: "in_production",
        },
        {
          name: "HAND-MADE-2",
          serialNr: str(ambiguous, "serialNumber"),
          brand: "Acme Corp",
          model: "X1",
          status: "in_production",
        },
      ],
    });
    ambiguousCiIds = twins.ciIds;

    const form = await sb.setup({ fields: BASE_FORM });
    expect(form[`tenant_1_status`]).to.equal("connected");
    first = await lastRun();
  });

  after(async () => {
    await sb?.close();
  });

  it("imports every device in scope as one CI, with product, category, user, Intune fields and a deep link", () => {
    expect(first.trigger).to.equal("app_instance.update");
    expect(first.status, first.errors.join("\n")).to.equal("succeeded");
    expect(first.counts.seen).to.equal(SIZE);
    const written = tenant.devices.filter((d) => ciOf(sb, str(d, "id")));
    expect(written.length).to.equal((first.counts.created ?? 0) + (first.counts.updated ?? 0));
    expect(first.counts.created).to.be.greaterThan(100);

    const laptop = ordinaryDevices(tenant).find(
      (d) => d["operatingSystem"] === "Windows" && d["chassisType"] === "laptop" && d["emailAddress"],
    )!;
    const ci = ciOf(sb, str(laptop, "id"))!;
    expect(ci.name).to.equal(laptop["deviceName"]);
    expect(ci.serialNr).to.equal(laptop["serialNumber"]);
    expect(ci.status).to.equal("in_production");
    expect(ci.systemID).to.match(new RegExp(`^${sb.microsoft.url}/intune/.*mdmDeviceId/${laptop["id"]}$`));
    expect(fieldOf(ci, "intune_device_link")).to.equal(ci.systemID);
    expect(ci.supportTeam?.name).to.equal(SUPPORT_TEAM);
    expect(ci.product?.model).to.equal(laptop["model"]);
    expect(ci.category).to.include({ reference: "laptop", ruleSet: "physical_asset" });
    expect(ci.users.map((u) => u?.primaryEmail)).to.deep.equal([str(laptop, "emailAddress").toLowerCase()]);
    expect(fieldOf(ci, "intune_os")).to.equal("Windows");
    expect(fieldOf(ci, "intune_os_version")).to.equal(laptop["osVersion"]);
    expect(fieldOf(ci, "intune_device_id")).to.equal(laptop["id"]);
    expect(fieldOf(ci, "intune_compliance")).to.be.a("string").and.not.equal("");

    const extension = sb.fourme.inspect.uiExtensions(sb.account).find((e) => e.sourceID === "intune_ci_extension");
    expect(extension, "the CI UI extension in the customer account").to.not.equal(undefined);
    const created = ourCis(sb).filter((c) => c.product?.name && c.product.uiExtensionId);
    expect(created.length).to.equal(ourCis(sb).length);
    expect(new Set(created.map((c) => c.product!.uiExtensionId))).to.deep.equal(new Set([extension!.id]));
  });

  it("leaves out what the filters exclude and writes CIs without a user when the user has no 4me person", () => {
    const excluded = tenant.devices.filter((d) => !inScope(d));
    expect(excluded.length).to.be.greaterThan(0);
    for (const d of excluded) expect(ciOf(sb, str(d, "id")), str(d, "deviceName")).to.equal(undefined);
    expect(first.counts["excluded:user_deleted"]).to.be.greaterThan(0);
    expect(first.counts["excluded:personal"]).to.be.greaterThan(0);

    const [noPerson] = hardCases(tenant, "noPerson");
    const ci = ciOf(sb, str(noPerson, "id"))!;
    expect(ci.users).to.deep.equal([]);
    expect(first.counts.users_not_found).to.be.greaterThan(0);
  });

  it("takes over an existing CI with the device's serial instead of creating a second one", () => {
    const seeded = sb.fleet.fourme.cis.filter((c) => c.status === "in_production" && !isPlaceholderSerial(c.serialNr));
    expect(first.counts.matched_by_serial).to.be.greaterThan(5);
    let takenOver = 0;
    for (const s of seeded) {
      const device = tenant.devices.find((d) => str(d, "serialNumber").toLowerCase() === s.serialNr.toLowerCase());
      if (!device || !inScope(device)) continue;
      const withSerial = cis(sb).filter((c) => (c.serialNr ?? "").toLowerCase() === s.serialNr.toLowerCase());
      const active = withSerial.filter((c) => c.status === "in_production");
      // No second CI: the seeded one now carries our source and the device id (a stale twin record never wins).
      expect(active.length, s.serialNr).to.equal(1);
      expect(active[0].name).to.equal(s.name);
      expect(active[0].source).to.equal("Intune");
      takenOver++;
    }
    expect(takenOver).to.equal(first.counts.matched_by_serial);

    // The archived hand-made twin of a matched CI is left as it was, and the CI keeps its own product.
    const [two] = hardCases(tenant, "twoFourMeCis");
    const pair = cis(sb).filter((c) => c.serialNr === two["serialNumber"]);
    expect(pair.map((c) => [c.status, c.source ?? null]).sort()).to.deep.equal([
      ["archived", null],
      ["in_production", "Intune"],
    ]);
    const taken = pair.find((c) => c.source === "Intune")!;
    expect(taken.product?.brand).to.equal(two["manufacturer"]);
    expect(fieldOf(taken, "intune_device_id")).to.equal(two["id"]);
  });

  it("never matches a placeholder serial, and merges nothing when several active CIs share the serial", () => {
    const oldWs = cis(sb).find((c) => c.name.endsWith("-OLD-WS-0042"))!;
    expect(oldWs.source).to.equal(undefined);
    const [whitebox] = hardCases(tenant, "serialDefault");
    const own = ciOf(sb, str(whitebox, "id"))!;
    expect(own.id).to.not.equal(oldWs.id);
    expect(own.serialNr ?? null).to.equal(null);

    expect(first.counts["skipped:ambiguous_serial"]).to.equal(1);
    expect(ciOf(sb, str(ambiguous, "id"))).to.equal(undefined);
    for (const id of ambiguousCiIds) {
      const c = cis(sb).find((x) => x.id === id)!;
      expect(c.source).to.equal(undefined);
      expect(c.sourceID).to.equal(undefined);
    }
  });

  it("writes one CI for a re-enrolled device: the most recently synced record wins, the other is reported", () => {
    const [stale] = hardCases(tenant, "reEnrolDuplicate");
    const winner = tenant.devices.find((d) => d["serialNumber"] === stale["serialNumber"] && d["id"] !== stale["id"])!;
    expect(Date.parse(str(winner, "lastSyncDateTime"))).to.be.greaterThan(Date.parse(str(stale, "lastSyncDateTime")));
    expect(ciOf(sb, str(stale, "id"))).to.equal(undefined);
    expect(ciOf(sb, str(winner, "id"))).to.not.equal(undefined);
    expect(first.counts["skipped:duplicate_serial"]).to.be.at.least(1);
    expect(cis(sb).filter((c) => c.serialNr === stale["serialNumber"]).length).to.equal(1);
  });

  it("writes the run summary and the fleet breakdown to the app instance", () => {
    const form = sb.formValues();
    expect(form[Field.syncSummary])
      .to.be.a("string")
      .and.match(/^Sync succeeded/);
    expect(form[Field.syncSummary]).to.include(`Seen in Intune: ${SIZE}`);
    expect(form[Field.syncSummary]).to.include(`Created: ${first.counts.created}`);
    expect(String(form[Field.syncSummary]).length).to.be.below(15_000);
    const start = Date.parse(String(form[Field.syncStartAt]));
    const end = Date.parse(String(form[Field.syncEndAt]));
    expect(end - start).to.be.at.least(0);
    expect(form[Field.syncDuration]).to.match(/^\d+(\.\d)?$/);
    expect(Number(form[Field.syncDuration])).to.be.closeTo((end - start) / 1000, 1);
    const breakdown = JSON.parse(String(form[Field.fleetBreakdown])) as { v: number; total: number; rows: unknown[] };
    expect(breakdown.v).to.equal(1);
    expect(breakdown.total).to.equal(SIZE);
    expect(breakdown.rows.length).to.be.greaterThan(3);
  });

  it("makes zero 4me mutations on a second run with no change in Intune", async () => {
    sb.fourme.resetStats();
    const { run } = await sb.sync();
    expect(run!.status).to.equal("succeeded");
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    expect(run!.counts.unchanged).to.equal((first.counts.created ?? 0) + (first.counts.updated ?? 0));
    expect(run!.counts.created ?? 0).to.equal(0);
  });

  it("writes k changed devices in ⌈k/100⌉ bulk calls and nothing else", async () => {
    const changed = tenant.devices.filter((d) => ciOf(sb, str(d, "id"))).slice(0, 150);
    for (const d of changed) d["osVersion"] = `${str(d, "osVersion")}.1`;
    sb.fourme.resetStats();
    const { run } = await sb.sync();
    expect(run!.counts.updated).to.equal(150);
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({ discoveredConfigurationItems: 2 });
    for (const d of changed) expect(fieldOf(ciOf(sb, str(d, "id"))!, "intune_os_version")).to.equal(d["osVersion"]);
  });

  it("sets the CI of a device gone from Intune to removed with a remark, and reactivates it when it returns", async () => {
    const device = ordinaryDevices(tenant).find((d) => ciOf(sb, str(d, "id")))!;
    const id = str(device, "id");
    const ciId = ciOf(sb, id)!.id;
    sb.microsoft.controls.removeDevice(tenant.domain, id);
    const gone = (await sb.sync()).run!;
    expect(gone.counts.retired).to.equal(1);
    const removed = ciOf(sb, id)!;
    expect(removed.status).to.equal("removed");
    expect(removed.remarks).to.include(`Intune device ${id}`).and.include("no longer in Intune");

    tenant.devices.push(device);
    const back = (await sb.sync()).run!;
    expect(back.counts.reactivated).to.equal(1);
    const again = ciOf(sb, id)!;
    expect(again.id).to.equal(ciId);
    expect(again.status).to.equal("in_production");
  });

  it("makes the CI's users follow a new primary user and keeps a user someone else added", async () => {
    const device = ordinaryDevices(tenant).find((d) => d["emailAddress"] && ciOf(sb, str(d, "id"))?.users.length)!;
    const ci = ciOf(sb, str(device, "id"))!;
    const people = sb.fourme.inspect.people(sb.account);
    const oldOwner = ci.users[0]!.id;
    const colleague = people.find((p) => p.id !== oldOwner && !p.disabled && p.primaryEmail?.includes("@"))!;
    const newOwner = people.find(
      (p) => p.id !== oldOwner && p.id !== colleague.id && !p.disabled && p.primaryEmail?.includes("@"),
    )!;
    await asCustomer(
      sb,
      `mutation($id: ID!, $users: [ID!]) { configurationItemUpdate(input: { id: $id, userIds: $users }) { errors { message } } }`,
      { id: ci.id, users: [oldOwner, colleague.id] },
    );
    sb.microsoft.controls.setOwner(tenant.domain, str(device, "id"), {
      id: "00000000-0000-4000-8000-00000000abcd",
      displayName: newOwner.name,
      upn: newOwner.primaryEmail!,
    });
    const { run } = await sb.sync();
    expect(run!.counts.updated).to.equal(1);
    const after = ciOf(sb, str(device, "id"))!;
    expect(after.users.map((u) => u!.id).sort()).to.deep.equal([colleague.id, newOwner.id].sort());
  });

  it("links the user of an unchanged device once the person exists in 4me, and writes nothing else", async () => {
    const [noPerson] = hardCases(tenant, "noPerson");
    const email = str(noPerson, "emailAddress").toLowerCase();
    const waiting = tenant.devices.filter(
      (d) => str(d, "emailAddress").toLowerCase() === email && ciOf(sb, str(d, "id"))?.users.length === 0,
    );
    expect(waiting.length).to.be.at.least(1);
    const { personIds } = sb.fourme.seedAccount(sb.account, {
      people: [{ name: str(noPerson, "userDisplayName"), primaryEmail: email }],
      teams: [{ name: SUPPORT_TEAM }],
      products: [],
      cis: [],
    });
    sb.fourme.resetStats();
    const { run } = await sb.sync();
    expect(run!.counts.users_linked).to.equal(waiting.length);
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({ configurationItemUpdate: waiting.length });
    for (const d of waiting) expect(ciOf(sb, str(d, "id"))!.users.map((u) => u!.id)).to.deep.equal(personIds);

    sb.fourme.resetStats();
    await sb.sync();
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
  });

  it("keeps updating a CI moved by hand to another product, whatever UI extension that product has", async () => {
    const [plain, foreign] = ordinaryDevices(tenant).filter(
      (d) => d["operatingSystem"] === "Windows" && ciOf(sb, str(d, "id")),
    );
    // The customer's own products: one without a UI extension, one with an extension of their own.
    const { uiExtensionCreate } = await asCustomer<{ uiExtensionCreate: { uiExtension: { id: string } } }>(
      sb,
      `mutation($html: String) { uiExtensionCreate(input: { name: "Asset tags", category: product, html: $html, activate: true }) { uiExtension { id } } }`,
      { html: '<input id="asset_tag">' },
    );
    const team = sb.fourme.inspect.teams(sb.account).find((t) => t.name === SUPPORT_TEAM)!;
    const product = async (name: string, uiExtensionId?: string) =>
      (
        await asCustomer<{ productCreate: { product: { id: string } } }>(
          sb,
          `mutation($input: ProductCreateInput!) { productCreate(input: $input) { product { id } errors { message } } }`,
          {
            input: {
              name,
              brand: "Contoso Workplace",
              model: name,
              category: "laptop",
              supportTeamId: team.id,
              ...(uiExtensionId ? { uiExtensionId } : {}),
            },
          },
        )
      ).productCreate.product.id;
    const targets = [
      { device: plain, productId: await product("Standard laptop") },
      { device: foreign, productId: await product("Tagged laptop", uiExtensionCreate.uiExtension.id) },
    ];
    for (const { device, productId } of targets) {
      await asCustomer(
        sb,
        `mutation($id: ID!, $p: ID!) { configurationItemUpdate(input: { id: $id, productId: $p }) { errors { message } } }`,
        { id: ciOf(sb, str(device, "id"))!.id, p: productId },
      );
      device["deviceName"] = `${str(device, "deviceName")}-M`;
      device["osVersion"] = `${str(device, "osVersion")}.5`;
    }
    const { run } = await sb.sync();
    expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
    expect(run!.counts.updated).to.equal(2);
    for (const { device, productId } of targets) {
      const ci = ciOf(sb, str(device, "id"))!;
      expect(ci.name).to.equal(device["deviceName"]);
      expect(ci.product!.id, "the product the customer chose").to.equal(productId);
    }
    // A product without an extension gets ours, so its CIs show the Intune fields; another extension is kept.
    const plainCi = ciOf(sb, str(plain, "id"))!;
    expect(fieldOf(plainCi, "intune_os_version")).to.equal(plain["osVersion"]);
    const foreignCi = ciOf(sb, str(foreign, "id"))!;
    expect(foreignCi.product!.uiExtensionId).to.equal(uiExtensionCreate.uiExtension.id);

    sb.fourme.resetStats();
    await sb.sync();
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
  });

  it("moves a re-enrolled device's CI to its new record, and never retires it when the old record goes", async () => {
    const old = ordinaryDevices(tenant).find((d) => d["operatingSystem"] === "Windows" && ciOf(sb, str(d, "id")))!;
    const ciId = ciOf(sb, str(old, "id"))!.id;
    old["lastSyncDateTime"] = "2025-05-20T08:00:00Z";
    const fresh = {
      ...old,
      id: "3f1c9a2e-7b4d-4e8f-9a6b-0c2d4e6f8a10",
      azureADDeviceId: "5b7d9f1a-3c5e-4a7b-8d9f-1a3c5e7b9d2f",
      enrolledDateTime: "2025-05-30T09:00:00Z",
      lastSyncDateTime: "2025-06-01T09:00:00Z",
    };
    tenant.devices.push(fresh);
    const reEnrolled = (await sb.sync()).run!;
    expect(reEnrolled.counts["skipped:duplicate_serial"]).to.equal((first.counts["skipped:duplicate_serial"] ?? 0) + 1);
    expect(reEnrolled.counts.created ?? 0).to.equal(0);
    const moved = ciOf(sb, fresh.id)!;
    expect(moved.id).to.equal(ciId);
    expect(ciOf(sb, str(old, "id"))).to.equal(undefined);
    expect(cis(sb).filter((c) => c.serialNr === old["serialNumber"]).length).to.equal(1);

    sb.microsoft.controls.removeDevice(tenant.domain, str(old, "id"));
    sb.fourme.resetStats();
    const oldGone = (await sb.sync()).run!;
    expect(oldGone.counts.retired ?? 0).to.equal(0);
    expect(ciOf(sb, fresh.id)!.status).to.equal("in_production");
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
  });

  it("leaves a device a filter change excludes alone by default, and retires it when the form says retire", async () => {
    const android = tenant.devices.filter((d) => d["operatingSystem"] === "Android" && ciOf(sb, str(d, "id")));
    expect(android.length).to.be.greaterThan(5);
    await sb.saveForm([{ id: Field.importAndroid, value: false }]);
    const left = await lastRun();
    expect(left.trigger).to.equal("app_instance.update");
    expect(left.counts["excluded:platform"]).to.equal(android.length);
    expect(left.counts.retired ?? 0).to.equal(0);
    for (const d of android) expect(ciOf(sb, str(d, "id"))!.status).to.equal("in_production");

    sb.fourme.resetStats();
    await sb.saveForm([{ id: Field.excludedAction, value: "retire" }]);
    const retired = await lastRun();
    expect(retired.counts.retired).to.equal(android.length);
    for (const d of android) {
      const c = ciOf(sb, str(d, "id"))!;
      expect(c.status).to.equal("removed");
      expect(c.remarks).to.include("import filters now exclude");
    }
    expect(totalOf(customerMutations(sb.fourme.stats()))).to.equal(android.length);
  });
});
