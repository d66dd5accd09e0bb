// The example operations' variables and checks, by operation name (see examples.spec.ts).
import { expect } from "chai";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import type { Client, Json } from "./helpers.js";

export interface State {
  sim: FourMeSimulator;
  customer: Client;
  provider: Client;
  ids: Record<string, string>;
}

export interface Case {
  provider?: boolean;
  vars?: (s: State) => Record<string, unknown>;
  /** Inline literals with foreign ids: payload validation errors are expected and allowed. */
  foreignIds?: boolean;
  check?: (data: Json, s: State) => unknown;
}

export const CASES: Record<string, Case> = {
  CiBySerialNr: {
    vars: () => ({ serialNrs: ["5CG1234XYZ"], after: null }),
    check: (d) => expect(d.configurationItems.nodes[0].name).to.equal("OLD-LAPTOP-1"),
  },
  CiBySourceId: { vars: () => ({ source: "Intune", sourceIDs: ["0f6c1c5e-aaaa"] }) },
  CiCreate: {
    vars: (s) => ({
      input: {
        clientMutationId: "intune-0f6c1c5e",
        productId: s.ids.product,
        status: "in_production",
        name: "LAPTOP-123",
        serialNr: "5CG9999XYZ",
        systemID: "https://intune.microsoft.com/x",
        source: "Intune",
        sourceID: "0f6c1c5e-aaaa",
        lastSeenAt: "2026-11-26T09:00:00Z",
        ramAmount: 16,
        userIds: [s.ids.jane],
        customFields: [
          { id: "intune_compliance_state", value: "compliant" },
          { id: "intune_encrypted", value: true },
        ],
      },
    }),
    check: (d, s) => {
      expect(d.configurationItemCreate.clientMutationId).to.equal("intune-0f6c1c5e");
      s.ids.ci = d.configurationItemCreate.configurationItem.id;
    },
  },
  CiCreateInline: { foreignIds: true },
  CiUpdate: {
    vars: (s) => ({ input: { id: s.ids.ci, status: "removed", endOfSupportDate: "2027-10-14" } }),
    check: (d) => expect(d.configurationItemUpdate.configurationItem.status).to.equal("removed"),
  },
  PersonByPrimaryEmail: {
    vars: () => ({ primaryEmail: "JANE.DOE@example.com" }),
    check: (d, s) => expect(d.people.nodes[0].id).to.equal(s.ids.jane),
  },
  PeopleByIdentifiers: {
    vars: () => ({ values: ["jane.doe@example.com", "john.roe@example.com", "jane@corp"] }),
    check: (d) => {
      expect(d.primaryEmail.nodes).to.have.length(2);
      expect(d.authenticationID.nodes[0].externalIdentifier).to.equal("jane@corp");
    },
  },
  DiscoveredCis: {
    vars: (s) => ({
      input: {
        source: "Intune",
        alternativeSources: ["Intune-legacy"],
        supportTeam: "Workplace Support",
        referenceStrategies: { ciUserIds: { strategy: "APPEND" } },
        physicalAssets: [
          {
            reference: "laptop",
            name: "Laptop",
            meta: { strategy: "CREATE" },
            products: [
              {
                sourceID: "dell_latitude_7440",
                name: "Dell Latitude 7440",
                brand: "Dell",
                model: "Latitude 7440",
                meta: { strategy: "CREATE" },
                configurationItems: [
                  {
                    sourceID: "0f6c1c5e-bbbb",
                    name: "LAPTOP-456",
                    serialNr: "5CG5555XYZ",
                    status: "in_production",
                    lastSeenAt: "2026-11-26T09:00:00Z",
                    userIds: [s.ids.jane],
                    ramAmount: 16,
                    meta: { strategy: "UPDATE" },
                  },
                ],
              },
            ],
          },
        ],
      },
    }),
    check: async (d) => {
      expect(d.discoveredConfigurationItems.configurationItems).to.equal(null);
      const result = (await (await fetch(d.discoveredConfigurationItems.asyncQuery.resultUrl)).json()) as Json;
      expect(result.data.discoveredConfigurationItems.errors).to.equal(null);
      expect(result.data.discoveredConfigurationItems.configurationItems[0].sourceID).to.equal("0f6c1c5e-bbbb");
    },
  },
  DiscoveredCisInline: {
    foreignIds: true,
    check: (d) => expect(d.discoveredConfigurationItems.asyncQuery.resultUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\//),
  },
  AppInstanceConfig: {
    provider: true,
    vars: (s) => ({ reference: s.sim.offeringReference, customerAccount: "acme" }),
    check: (d, s) => {
      expect(d.appInstances.nodes[0].customerAccount.id).to.equal("acme");
      s.ids.instance = d.appInstances.nodes[0].id;
    },
  },
  ActiveAppInstances: {
    provider: true,
    vars: (s) => ({
      reference: s.sim.offeringReference,
      customFilters: [{ name: "Start", values: ["<2026-11-26T00:00:00Z"] }],
      after: null,
    }),
  },
  AppInstanceWriteBack: {
    provider: true,
    vars: (s) => ({ input: { id: s.ids.instance, customFields: [{ id: "sync_summary", value: "42 CIs" }] } }),
  },
  RequestCreate: {
    vars: (s) => ({
      input: {
        subject: "Device LAPTOP-456 is not compliant",
        category: "incident",
        impact: "low",
        requestedForId: s.ids.jane,
        configurationItemIds: [s.ids.discovered],
        note: "Intune reports complianceState=noncompliant",
        source: "Intune",
        sourceID: "compliance-0f6c1c5e",
      },
    }),
    check: (d, s) => {
      expect(d.requestCreate.request.category).to.equal("incident");
      s.ids.request = d.requestCreate.request.id;
    },
  },
  RequestCreateInline: { foreignIds: true },
  OpenRequestsBySourceId: {
    vars: () => ({ source: "Intune", sourceID: "compliance-0f6c1c5e" }),
    check: (d) => expect(d.requests.nodes).to.have.length(1),
  },
  AddNote: {
    vars: (s) => ({ input: { ownerId: s.ids.request, text: "Device is compliant again.", internal: true } }),
  },
  SoftwareCis: { vars: () => ({ statuses: ["in_production", "installed"], previousEndCursor: null }) },
  SoftwareByName: { vars: () => ({ statuses: ["in_production"], names: ["Windows 11 Enterprise"] }) },
  ProductLookup: {
    vars: () => ({ filter: { sourceID: { values: ["dell_latitude_7440"] } } }),
    check: (d) => expect(d.products.nodes[0].brand).to.equal("Dell"),
  },
  ProductCategoryCreate: {
    check: (d) => expect(d.productCategoryCreate.productCategory.reference).to.equal("computer/laptop"),
  },
  ProductCreate: {
    vars: () => ({
      input: {
        name: "Apple iPhone 15",
        brand: "Apple",
        model: "iPhone 15",
        category: "laptop",
        sourceID: "apple_iphone_15",
      },
    }),
  },
  CreatePolicy: {
    provider: true,
    check: (d, s) => {
      expect(d.webhookPolicyCreate.webhookPolicy.publicKeyPem).to.match(/^-----BEGIN PUBLIC KEY-----/);
      s.ids.policy = d.webhookPolicyCreate.webhookPolicy.id;
    },
  },
  CreateSecretsWebhook: {
    provider: true,
    vars: (s) => ({ uri: `${s.sim.url}/nowhere`, policyId: s.ids.policy }),
    check: (d, s) => void (s.ids.webhook = d.webhookCreate.webhook.id),
  },
  UpdateWebhookEvent: { provider: true, vars: (s) => ({ id: s.ids.webhook, event: "app_instance.update" }) },
  NodeAndLimits: {
    provider: true,
    vars: (s) => ({ id: s.ids.instance }),
    check: (d) => {
      expect(d.node.customerAccount.id).to.equal("acme");
      expect(d.rateLimit.limit).to.equal(5000);
    },
  },
};
