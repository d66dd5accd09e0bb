import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { graphExample } from "../../helpers/reference.js";
import type { IntuneDevice } from "../../../src/intune/types.js";
import { cloudEndpoints } from "../../../src/intune/clouds.js";
import {
  cutText,
  intuneDeviceUrl,
  mapDevice,
  MAX_CI_NAME,
  sourceIdCandidates,
  type MapContext,
  type MappedCi,
  type MapResult,
} from "../../../src/sync/map-device.js";
import { UI_FIELD_IDS, UNKNOWN } from "../../../src/ui-fields.js";
import {
  ADMIN_CENTER,
  androidWorkProfile,
  coManaged,
  device,
  EXAMPLE_FLEET,
  iphone,
  kiosk,
  mac,
  NOW,
  TENANT,
  userDeleted,
  windowsLaptop,
} from "./fixtures.js";

const ctx: MapContext = { adminCenterUrl: ADMIN_CENTER, now: NOW, qualifySourceId: false, ciStatus: "in_production" };

function mapped(d: IntuneDevice, c: Partial<MapContext> = {}): { ci: MappedCi; warnings: string[] } {
  const r = mapDevice(d, { ...ctx, ...c });
  if (!r.ok) throw new Error(`expected ${d.id} to map, got ${r.reason}`);
  return r;
}
const fields = (ci: MappedCi) => Object.fromEntries(ci.customFields.map((f) => [f.id, f.value]));

describe("mapDevice", () => {
  it("maps the example Windows laptop to the standard CI fields", () => {
    const { ci, warnings } = mapped(windowsLaptop);
    expect(warnings).to.deep.equal([]);
    expect(ci).to.deep.include({
      tenantId: TENANT,
      deviceId: windowsLaptop.id,
      name: "CON-LT-0142",
      serialNr: "7HQ2KX3",
      systemID: `https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${windowsLaptop.id}`,
      source: "Intune",
      sourceID: windowsLaptop.id,
      status: "in_production",
      lastSeenAt: "2025-06-02T06:41:09Z",
      inUseSince: "2024-03-11",
    });
    expect(ci.ramAmount).to.equal(undefined);
    expect(ci.product).to.deep.equal({
      brand: "Dell",
      manufacturer: "Dell Inc.",
      model: "Latitude 5440",
      category: "laptop",
    });
    expect(ci.primaryUser).to.deep.equal({ email: "megan.bowen@contoso.com", upn: "megan.bowen@contoso.com" });
    expect(ci.deviceClass).to.deep.equal({ platform: "windows", ownership: "company", userState: "user" });
  });

  it("fills the four UI sections and the details as the whitepaper shows them", () => {
    expect(fields(mapped(windowsLaptop).ci)).to.deep.equal({
      intune_os: "Windows",
      intune_os_version: "10.0.22631.3593",
      intune_os_ci: null,
      intune_os_sku: "Windows 11 Enterprise (4)",
      intune_storage_total_gb: 237,
      intune_storage_free_gb: 110,
      intune_enrolled_at: "2024-03-11",
      intune_last_contact_at: "2025-06-02T06:41:09Z",
      intune_azure_ad_registered: true,
      intune_join_type: "AzureADJoined",
      intune_ownership: "Company",
      intune_compliance: "Noncompliant",
      intune_encrypted: false,
      intune_jailbroken: UNKNOWN,
      intune_device_link: `https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${windowsLaptop.id}`,
      intune_management_agent: "MDM",
      intune_manufacturer: "Dell Inc.",
      intune_model: "Latitude 5440",
      intune_entra_device_id: "5d9e1c3a-7f2b-4e6d-8c0a-1b3f5d7e9a24",
      intune_device_id: windowsLaptop.id,
      intune_imei: null,
      intune_phone_number: null,
      intune_primary_user: "megan.bowen@contoso.com",
    });
  });

  it("writes every UI field id exactly once, in the UI's order, for every example device", () => {
    for (const d of EXAMPLE_FLEET) {
      expect(
        mapped(d).ci.customFields.map((f) => f.id),
        d.deviceName ?? "",
      ).to.deep.equal([...UI_FIELD_IDS]);
    }
  });

  it("never writes undefined, NaN or an empty string as a custom field value", () => {
    for (const d of EXAMPLE_FLEET) {
      for (const f of mapped(d).ci.customFields) {
        expect(f.value, `${d.deviceName}.${f.id}`).to.not.equal(undefined);
        expect(f.value, `${d.deviceName}.${f.id}`).to.not.equal("");
        if (typeof f.value === "number") expect(Number.isFinite(f.value), f.id).to.equal(true);
      }
    }
  });

  describe("identity", () => {
    it("qualifies the sourceID and the deep link with the tenant when the account has several tenants", () => {
      const { ci } = mapped(windowsLaptop, { qualifySourceId: true });
      expect(ci.sourceID).to.equal(`${TENANT}/${windowsLaptop.id}`);
      expect(ci.sourceID.length).to.be.at.most(128);
      expect(ci.systemID).to.equal(
        `https://intune.microsoft.com/${TENANT}/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${windowsLaptop.id}`,
      );
      expect(sourceIdCandidates(TENANT, windowsLaptop.id)).to.deep.equal([ci.sourceID, windowsLaptop.id]);
    });

    it("links to the admin center of the device's cloud", () => {
      const { ci } = mapped(windowsLaptop, { adminCenterUrl: cloudEndpoints("usgov").adminCenterUrl });
      expect(ci.systemID).to.match(/^https:\/\/intune\.microsoft\.us\/#view\/Microsoft_Intune_Devices\//);
      const china = intuneDeviceUrl(cloudEndpoints("china").adminCenterUrl + "/", "abc", "compliance");
      expect(china).to.equal(
        "https://intune.microsoftonline.cn/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/compliance/mdmDeviceId/abc",
      );
    });

    it("writes the configured CI status", () => {
      expect(mapped(windowsLaptop, { ciStatus: "installed" }).ci.status).to.equal("installed");
    });

    it("skips a device without a usable id, with a reason", () => {
      const skip = (d: IntuneDevice): MapResult => mapDevice(d, ctx);
      expect(skip(device({ id: "" }))).to.deep.include({ ok: false, reason: "no_device_id" });
      expect(skip(device({ id: "  " }))).to.deep.include({ ok: false, reason: "no_device_id" });
      expect(skip(device({ id: "00000000-0000-0000-0000-000000000000" }))).to.deep.include({
        ok: false,
        reason: "no_device_id",
      });
      expect(skip(device({ id: null as unknown as string }))).to.deep.include({ ok: false, reason: "no_device_id" });
      expect(skip(device({ tenantId: "" }))).to.deep.include({ ok: false, reason: "no_tenant_id" });
      expect(mapDevice(device({ id: "x".repeat(100) }), { ...ctx, qualifySourceId: true })).to.deep.include({
        ok: false,
        reason: "device_id_too_long",
      });
    });
  });

  describe("hard cases of the fleet", () => {
    it("maps a device whose user was deleted without a user, and tells such devices apart by serial", () => {
      const { ci } = mapped(userDeleted);
      expect(ci.name).to.equal("User deleted for this device (DX3PQ4K7N72J)");
      expect(ci.deviceClass.userState).to.equal("deleted");
      expect(ci.primaryUser).to.equal(undefined);
      const f = fields(ci);
      expect(f.intune_primary_user).to.equal(null);
      expect(f.intune_entra_device_id).to.equal(UNKNOWN);
      expect(f.intune_storage_total_gb).to.equal(UNKNOWN);
      expect(f.intune_storage_free_gb).to.equal(UNKNOWN);
      expect(f.intune_join_type).to.equal(UNKNOWN);
      expect(f.intune_azure_ad_registered).to.equal(false);
      expect(f.intune_imei).to.equal(UNKNOWN);
      expect(f.intune_os_sku).to.equal(null);
      const noSerial = mapped(device({ ...userDeleted, serialNumber: "" })).ci;
      expect(noSerial.name).to.equal(`User deleted for this device (${userDeleted.id.slice(0, 8)})`);
    });

    it("maps a userless kiosk Cloud PC without a user, in the virtual machine category", () => {
      const { ci } = mapped(kiosk);
      expect(ci.primaryUser).to.equal(undefined);
      expect(ci.deviceClass.userState).to.equal("none");
      expect(fields(ci).intune_primary_user).to.equal(null);
      expect(ci.product).to.deep.equal({
        brand: "Microsoft",
        manufacturer: "Microsoft Corporation",
        model: "Cloud PC Enterprise 2vCPU/8GB/128GB",
        category: "virtual_machine",
      });
      expect(ci.serialNr).to.equal("0000-0012-3456-7890-1234-5678-90");
    });

    it("shows a co-managed Configuration Manager device's agent and compliance source", () => {
      const f = fields(mapped(coManaged).ci);
      expect(f.intune_management_agent).to.equal("Configuration Manager and MDM (co-managed)");
      expect(f.intune_compliance).to.equal("Managed by Configuration Manager");
      expect(f.intune_join_type).to.equal("HybridAzureADJoined");
      expect(f.intune_os_sku).to.equal("Windows 10 Enterprise (4)");
    });

    it("leaves out placeholder serials, with a warning, and empty ones silently", () => {
      for (const s of ["0", "To be filled by O.E.M.", "Default string", "System Serial Number"]) {
        const { ci, warnings } = mapped(device({ serialNumber: s }));
        expect(ci, s).to.not.have.property("serialNr");
        expect(warnings, s).to.deep.equal(["serial_placeholder"]);
      }
      const { ci, warnings } = mapped(androidWorkProfile);
      expect(ci).to.not.have.property("serialNr");
      expect(warnings).to.deep.equal([]);
    });

    it("leaves out a serial over 50 characters rather than cutting it", () => {
      const { ci, warnings } = mapped(device({ serialNumber: "S".repeat(20) + "N".repeat(31) }));
      expect(ci).to.not.have.property("serialNr");
      expect(warnings).to.deep.equal(["serial_too_long"]);
    });

    it("cuts a name over 160 characters at a word, never inside a character, and marks the cut", () => {
      const long = "Ünïcödé–Gerät 😀 ".repeat(20) + "END";
      const { ci, warnings } = mapped(device({ deviceName: long }));
      expect(ci.name.length).to.be.at.most(MAX_CI_NAME);
      expect(Array.from(ci.name).length).to.be.at.most(MAX_CI_NAME);
      expect(ci.name.endsWith("…")).to.equal(true);
      expect(ci.name.startsWith("Ünïcödé–Gerät 😀 Ünïcödé")).to.equal(true);
      expect(ci.name).to.not.match(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(warnings).to.deep.equal(["name_cut"]);
    });

    it("keeps non-ASCII names whole and normalises them to NFC", () => {
      expect(mapped(iphone).ci.name).to.equal("Alex’s iPhone");
      const decomposed = "Jose\u0301’s Mac";
      expect(mapped(device({ deviceName: decomposed })).ci.name).to.equal("José’s Mac");
      expect(mapped(device({ deviceName: "  tab\there\u0000 " })).ci.name).to.equal("tab here");
    });

    it("falls back to a meaningful name when the device has none", () => {
      const a = mapped(device({ deviceName: "" }));
      expect(a.ci.name).to.equal(windowsLaptop.managedDeviceName);
      expect(a.warnings).to.deep.equal(["name_missing"]);
      expect(mapped(device({ deviceName: null, managedDeviceName: null })).ci.name).to.equal(
        "Dell Latitude 5440 7HQ2KX3",
      );
      expect(
        mapped(device({ deviceName: null, managedDeviceName: null, model: null, serialNumber: "0" })).ci.name,
      ).to.equal(`Intune device ${windowsLaptop.id.slice(0, 8)}`);
    });

    it("never writes false data for all-zero Entra ids", () => {
      const f = fields(mapped(device({ azureADDeviceId: "00000000-0000-0000-0000-000000000000" })).ci);
      expect(f.intune_entra_device_id).to.equal(UNKNOWN);
      expect(fields(mapped(device({ azureADDeviceId: null })).ci).intune_entra_device_id).to.equal(UNKNOWN);
    });

    it("treats 0001-01-01 dates as unknown, leaving out lastSeenAt and inUseSince", () => {
      const { ci, warnings } = mapped(
        device({ enrolledDateTime: "0001-01-01T00:00:00Z", lastSyncDateTime: "0001-01-01T00:00:00Z" }),
      );
      expect(ci).to.not.have.property("lastSeenAt");
      expect(ci).to.not.have.property("inUseSince");
      expect(fields(ci).intune_enrolled_at).to.equal(UNKNOWN);
      expect(fields(ci).intune_last_contact_at).to.equal(UNKNOWN);
      expect(warnings).to.deep.equal([]);
    });

    it("cleans implausible, future and unreadable dates with a reason", () => {
      expect(mapped(device({ enrolledDateTime: "1980-01-01T00:00:00Z" })).warnings).to.deep.equal(["date_implausible"]);
      const future = mapped(device({ lastSyncDateTime: "2031-01-01T00:00:00Z" }));
      expect(future.warnings).to.deep.equal(["date_in_future"]);
      expect(future.ci).to.not.have.property("lastSeenAt");
      expect(mapped(device({ enrolledDateTime: "yesterday" })).warnings).to.deep.equal(["date_unparseable"]);
      // Graph sends seven fractional digits at times; they are read, and written without milliseconds.
      expect(mapped(device({ lastSyncDateTime: "2025-06-02T06:41:09.1234567Z" })).ci.lastSeenAt).to.equal(
        "2025-06-02T06:41:09Z",
      );
    });

    it("writes zero storage as unknown without a warning", () => {
      const { ci, warnings } = mapped(device({ totalStorageSpaceInBytes: 0, freeStorageSpaceInBytes: 0 }));
      expect(fields(ci).intune_storage_total_gb).to.equal(UNKNOWN);
      expect(fields(ci).intune_storage_free_gb).to.equal(UNKNOWN);
      expect(warnings).to.deep.equal([]);
    });

    it("cleans negative and impossible storage with a reason", () => {
      const neg = mapped(device({ totalStorageSpaceInBytes: -1024, freeStorageSpaceInBytes: -5 }));
      expect(fields(neg.ci).intune_storage_total_gb).to.equal(UNKNOWN);
      expect(fields(neg.ci).intune_storage_free_gb).to.equal(UNKNOWN);
      expect(neg.warnings).to.deep.equal(["storage_negative"]);
      const more = mapped(device({ totalStorageSpaceInBytes: 64 * 2 ** 30, freeStorageSpaceInBytes: 128 * 2 ** 30 }));
      expect(fields(more.ci).intune_storage_total_gb).to.equal(64);
      expect(fields(more.ci).intune_storage_free_gb).to.equal(UNKNOWN);
      expect(more.warnings).to.deep.equal(["storage_free_exceeds_total"]);
      const huge = mapped(device({ totalStorageSpaceInBytes: 2 ** 60 }));
      expect(huge.warnings).to.deep.equal(["storage_absurd"]);
    });

    it("maps a device with no manufacturer or model to Unknown values and an unknown product", () => {
      const { ci } = mapped(device({ manufacturer: null, model: "", chassisType: undefined, deviceType: undefined }));
      expect(fields(ci).intune_manufacturer).to.equal(UNKNOWN);
      expect(fields(ci).intune_model).to.equal(UNKNOWN);
      expect(ci.product).to.deep.equal({ brand: "Unknown", manufacturer: "", model: "Unknown", category: "other" });
    });
  });

  describe("values", () => {
    it("rounds storage in GB (GiB): whole numbers, one decimal below 10", () => {
      const f = fields(
        mapped(device({ totalStorageSpaceInBytes: 8.46 * 2 ** 30, freeStorageSpaceInBytes: 2 ** 29 })).ci,
      );
      expect(f.intune_storage_total_gb).to.equal(8.5);
      expect(f.intune_storage_free_gb).to.equal(0.5);
    });

    it("writes RAM in GB only when Intune knows it", () => {
      expect(mapped(device({ physicalMemoryInBytes: 16 * 2 ** 30 })).ci.ramAmount).to.equal(16);
      expect(mapped(device({ physicalMemoryInBytes: 17069 * 2 ** 20 })).ci.ramAmount).to.equal(16.7);
      expect(mapped(device({ physicalMemoryInBytes: -1 })).ci).to.not.have.property("ramAmount");
      const absurd = mapped(device({ physicalMemoryInBytes: 2 ** 50 }));
      expect(absurd.ci).to.not.have.property("ramAmount");
      expect(absurd.warnings).to.deep.equal(["memory_absurd"]);
    });

    it("names the Windows SKU from skuNumber, then skuFamily, and leaves it empty off Windows", () => {
      const sku = (d: Partial<IntuneDevice>) => fields(mapped(device(d)).ci).intune_os_sku;
      expect(sku({ skuNumber: 48, skuFamily: "Professional" })).to.equal("Windows 11 Professional (48)");
      expect(sku({ skuNumber: 48, osVersion: "10.0.19045.1" })).to.equal("Windows 10 Professional (48)");
      expect(sku({ skuNumber: 48, osVersion: "" })).to.equal("Windows 10/11 Professional (48)");
      expect(sku({ skuNumber: 9999, skuFamily: "Custom" })).to.equal("Windows 11 Custom (9999)");
      expect(sku({ skuNumber: 0, skuFamily: "Enterprise" })).to.equal("Windows 11 Enterprise");
      expect(sku({ skuNumber: undefined, skuFamily: undefined })).to.equal(UNKNOWN);
      expect(fields(mapped(mac).ci).intune_os_sku).to.equal(null);
    });

    it("labels ownership, compliance, jailbreak and join type, and says Unknown for Intune's unknowns", () => {
      const f = (d: Partial<IntuneDevice>) => fields(mapped(device(d)).ci);
      expect(f({ managedDeviceOwnerType: "personal" }).intune_ownership).to.equal("Personal");
      expect(f({ managedDeviceOwnerType: "unknown" }).intune_ownership).to.equal(UNKNOWN);
      expect(f({ complianceState: "inGracePeriod" }).intune_compliance).to.equal("In grace period");
      expect(f({ complianceState: "unknown" }).intune_compliance).to.equal(UNKNOWN);
      expect(f({ jailBroken: "True" }).intune_jailbroken).to.equal("True");
      expect(f({ jailBroken: "false" }).intune_jailbroken).to.equal("False");
      expect(f({ jailBroken: "" }).intune_jailbroken).to.equal(UNKNOWN);
      expect(f({ joinType: "azureADRegistered" }).intune_join_type).to.equal("AzureADRegistered");
      expect(f({ joinType: undefined }).intune_join_type).to.equal(UNKNOWN);
      expect(f({ azureADRegistered: null, isEncrypted: null }).intune_azure_ad_registered).to.equal(UNKNOWN);
      expect(f({ isEncrypted: null }).intune_encrypted).to.equal(UNKNOWN);
      expect(f({ managementAgent: "somethingNew" }).intune_management_agent).to.equal("somethingNew");
    });

    it("shows IMEI and phone number of mobiles, and says Unknown when a mobile does not report them", () => {
      expect(fields(mapped(iphone).ci)).to.deep.include({
        intune_imei: "356789123456781",
        intune_phone_number: "+31612345678",
      });
      expect(fields(mapped(androidWorkProfile).ci)).to.deep.include({
        intune_imei: UNKNOWN,
        intune_phone_number: UNKNOWN,
      });
      expect(fields(mapped(device({ ...iphone, imei: "35 678912 345678 1" })).ci).intune_imei).to.equal(
        "356789123456781",
      );
    });

    it("looks the user up by e-mail, falling back to the UPN, lower-cased", () => {
      expect(
        mapped(device({ emailAddress: "", userPrincipalName: "Megan.Bowen@Contoso.com" })).ci.primaryUser,
      ).to.deep.equal({ email: "megan.bowen@contoso.com", upn: "megan.bowen@contoso.com" });
      expect(
        mapped(device({ emailAddress: "MB@contoso.com", userPrincipalName: "megan.bowen@contoso.onmicrosoft.com" })).ci
          .primaryUser,
      ).to.deep.equal({ email: "mb@contoso.com", upn: "megan.bowen@contoso.onmicrosoft.com" });
    });
  });

  it("never throws on junk values and always returns a CI or a reason", () => {
    // A seeded generator of hostile values: wrong types, huge strings, control characters.
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const junk = [
      null,
      undefined,
      "",
      " ",
      "\u0000",
      "x".repeat(5000),
      -1,
      0,
      NaN,
      Infinity,
      "0001-01-01T00:00:00Z",
      true,
      {},
      [],
    ];
    const keys = Object.keys(windowsLaptop) as (keyof IntuneDevice)[];
    for (let i = 0; i < 300; i++) {
      const d: Record<string, unknown> = { ...windowsLaptop };
      for (const k of keys) if (rnd() < 0.4) d[k] = junk[Math.floor(rnd() * junk.length)];
      const r = mapDevice(d as unknown as IntuneDevice, ctx);
      if (r.ok) {
        expect(r.ci.name.length).to.be.within(1, MAX_CI_NAME);
        expect(r.ci.customFields).to.have.length(UI_FIELD_IDS.length);
        expect(r.ci.sourceID.length).to.be.at.most(128);
      } else expect(r.reason).to.be.a("string");
    }
  });

  it("maps every device of the reference Graph examples", () => {
    const files = ["managedDevices-list-beta-page.json", "managedDevices-edge-cases-beta.json"];
    for (const file of files) {
      const page = graphExample<{ value: Record<string, unknown>[] }>(file);
      for (const raw of page.value) {
        const d = { ...raw, tenantId: TENANT } as unknown as IntuneDevice;
        const { ci } = mapped(d);
        expect(ci.deviceId).to.equal(raw.id);
        expect(ci.customFields.map((f) => f.id)).to.deep.equal([...UI_FIELD_IDS]);
      }
    }
  });

  it("documents every UI field in docs/field-mapping.md", () => {
    const doc = readFileSync(fileURLToPath(new URL("../../../docs/field-mapping.md", import.meta.url)), "utf8");
    for (const id of UI_FIELD_IDS) expect(doc, id).to.include(`\`${id}\``);
    for (const std of [
      "name",
      "serialNr",
      "systemID",
      "source",
      "sourceID",
      "status",
      "lastSeenAt",
      "inUseSince",
      "ramAmount",
    ]) {
      expect(doc, std).to.include(`\`${std}\``);
    }
  });
});

describe("cutText", () => {
  it("leaves short text alone and cuts long text to the limit with an ellipsis", () => {
    expect(cutText("short", 10)).to.equal("short");
    expect(cutText("abcdefghijk", 10)).to.equal("abcdefghi…");
    expect(cutText("👍🏽👍🏽👍🏽", 5)).to.equal("👍🏽…");
  });
});

describe("mapDevice with operating-system CIs", () => {
  it("carries the OS family and shows its name in the Operating-system CI field", () => {
    const { ci } = mapped(windowsLaptop, { osCis: true });
    expect(ci.os?.name).to.equal("Windows 11 Enterprise 23H2");
    expect(fields(ci)["intune_os_ci"]).to.equal("Windows 11 Enterprise 23H2");
  });

  it("carries none with the switch off", () => {
    const { ci } = mapped(windowsLaptop, { osCis: false });
    expect(ci.os).to.equal(undefined);
    expect(fields(ci)["intune_os_ci"]).to.equal(null);
  });
});
