import { expect } from "chai";
import { ConfigError } from "../../../src/config.js";
import { createFourMeClients } from "../../../src/fourme/index.js";
import { invalidCredentialsComment, type ProviderApi } from "../../../src/fourme/provider-api.js";
import type { AppInstanceReader } from "../../../src/webhooks/types.js";
import { fourmeConfig, graphqlServer, page, testClients, tokenEndpoint } from "./helpers.js";

const instanceNode = (over: Record<string, unknown> = {}) => ({
  id: "AI1",
  disabled: false,
  enabledByCustomer: true,
  suspended: false,
  suspensionComment: null,
  appOffering: { id: "AO1", reference: "microsoft_intune" },
  customerAccount: { id: "widget" },
  customFields: [
    { id: "import_active", value: true },
    { id: "tenant_1_domain", value: "contoso.com" },
  ],
  ...over,
});

function setup(handlers: Parameters<typeof graphqlServer>[1]) {
  const { clients, graphql, oauth } = testClients();
  const tokens = tokenEndpoint(oauth);
  const server = graphqlServer(graphql, handlers);
  return { provider: clients.provider(), server, tokens };
}

// The webhook handlers take a ProviderApi as their AppInstanceReader: this fails to compile if the two drift apart.
const _readerContract = (api: ProviderApi): AppInstanceReader => api;

describe("ProviderApi", () => {
  it("reads a customer's app instance with the provider token and account, as our own type", async () => {
    const { provider, server, tokens } = setup({
      AppInstanceByCustomer: () => ({ appInstances: { nodes: [instanceNode()] } }),
    });
    const instance = await provider.getAppInstance("widget");
    expect(instance).to.deep.equal({
      id: "AI1",
      customerAccount: "widget",
      offeringReference: "microsoft_intune",
      disabled: false,
      suspended: false,
      enabledByCustomer: true,
      suspensionComment: undefined,
      customFields: [
        { id: "import_active", value: true },
        { id: "tenant_1_domain", value: "contoso.com" },
      ],
    });
    expect(server.sent[0].variables).to.deep.equal({ customerAccount: "widget", reference: "microsoft_intune" });
    expect(server.sent[0].headers["x-4me-account"]).to.equal("wdc");
    expect(new URLSearchParams(tokens.bodies[0]).get("client_id")).to.equal("provider-client");
  });

  it("answers undefined when 4me shows no instance for the account", async () => {
    const { provider } = setup({ AppInstanceByCustomer: () => ({ appInstances: { nodes: [] } }) });
    expect(await provider.getAppInstance("nobody")).to.equal(undefined);
  });

  it("writes only the custom fields given, and suspends with a comment", async () => {
    const { provider, server } = setup({
      AppInstanceUpdate: (v) => ({
        appInstanceUpdate: {
          errors: [],
          appInstance: instanceNode({ suspended: Boolean((v.input as { suspended?: boolean }).suspended) }),
        },
      }),
      AppInstanceByCustomer: () => ({ appInstances: { nodes: [instanceNode()] } }),
    });
    await provider.updateAppInstance("AI1", { customFields: [{ id: "sync_summary", value: "ok" }] });
    const suspended = await provider.suspendForInvalidCredentials("widget");
    expect(suspended?.suspended).to.equal(true);
    const updates = server.of("AppInstanceUpdate").map((s) => s.variables.input);
    expect(updates[0]).to.deep.equal({ id: "AI1", customFields: [{ id: "sync_summary", value: "ok" }] });
    expect(updates[1]).to.deep.equal({
      id: "AI1",
      suspended: true,
      suspensionComment: invalidCredentialsComment("widget"),
    });
    expect(invalidCredentialsComment("widget")).to.match(/invalid_client.*unsuspend/s);
  });

  it("creates a webhook that does not exist, leaves a matching one alone and updates one whose URI moved", async () => {
    const existing = {
      id: "W1",
      name: "Intune connector: app_instance.update",
      description: null,
      event: "app_instance.update",
      uri: "https://old.example.com/webhooks/4me",
      disabled: false,
      mailExceptionsTo: null,
      webhookPolicy: { id: "P1" },
    };
    const { provider, server } = setup({
      Webhooks: () => ({ webhooks: page([existing]) }),
      WebhookCreate: (v) => ({
        webhookCreate: { errors: null, webhook: { ...existing, id: "W2", ...(v.input as object) } },
      }),
      WebhookUpdate: (v) => ({ webhookUpdate: { errors: null, webhook: { ...existing, ...(v.input as object) } } }),
    });
    const update = { event: "app_instance.update", name: existing.name, webhookPolicyId: "P1" };
    const same = await provider.upsertWebhook({ ...update, uri: existing.uri });
    const moved = await provider.upsertWebhook({ ...update, uri: "https://new.example.com/webhooks/4me" });
    const created = await provider.upsertWebhook({
      event: "app_instance.delete",
      name: "Intune connector: app_instance.delete",
      uri: "https://new.example.com/webhooks/4me",
      webhookPolicyId: "P1",
    });
    expect([same.action, moved.action, created.action]).to.deep.equal(["unchanged", "updated", "created"]);
    expect(server.of("WebhookUpdate")[0].variables.input).to.include({
      id: "W1",
      uri: "https://new.example.com/webhooks/4me",
    });
    expect(server.of("WebhookCreate")[0].variables.input).to.include({ event: "app_instance.delete" });
  });

  it("returns the public key of a webhook policy it creates, and reuses a known policy", async () => {
    const { provider, server } = setup({
      WebhookPolicyCreate: () => ({
        webhookPolicyCreate: {
          errors: null,
          webhookPolicy: {
            id: "P9",
            name: "p",
            jwtAlg: "es512",
            jwtAudience: null,
            jwtClaimExpiresIn: null,
            disabled: false,
            publicKeyPem: "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----",
          },
        },
      }),
      WebhookPolicies: () => ({
        webhookPolicies: page([
          { id: "P9", name: "p", jwtAlg: "es512", jwtAudience: null, jwtClaimExpiresIn: null, disabled: false },
        ]),
      }),
    });
    const created = await provider.findOrCreateWebhookPolicy({ jwtAlg: "es512" });
    expect(created.action).to.equal("created");
    expect(created.publicKeyPem).to.match(/BEGIN PUBLIC KEY/);
    expect(server.of("WebhookPolicyCreate")[0].query).to.include("publicKeyPem");
    const again = await provider.findOrCreateWebhookPolicy({ jwtAlg: "es512" }, "P9");
    expect(again).to.deep.equal({ policy: { ...created.policy }, action: "unchanged" });
  });

  it("updates only the offering fields that differ, on the draft version", async () => {
    const draft = {
      id: "AO2",
      name: "Microsoft Intune",
      reference: "microsoft_intune",
      published: false,
      latest: false,
      disabled: false,
      cardDescription: "Old card",
      description: "Desc",
      features: null,
      compliance: null,
      configurationUriTemplate: null,
      webhookUriTemplate: null,
      policyJwtAlg: null,
      policyJwtAudience: null,
      policyJwtClaimExpiresIn: null,
      requiresEnabledOauthPerson: null,
      oauthAuthorizationEndpoints: null,
      pictureUri: null,
      source: null,
      sourceID: null,
      serviceInstance: { id: "SI1" },
      uiExtensionVersion: { id: "V1" },
      scopes: [{ id: "S1", actions: ["ci:Read"], conditions: null, effect: "allow", grantType: "client_credentials" }],
      automationRules: { nodes: [] },
    };
    const { provider, server } = setup({
      AppOfferings: () => ({ appOfferings: { nodes: [{ ...draft, id: "AO1", published: true }, draft] } }),
      AppOfferingUpdate: (v) => ({
        appOfferingUpdate: { errors: null, appOffering: { ...draft, ...(v.input as object) } },
      }),
    });
    const result = await provider.upsertAppOffering(
      {
        name: "Microsoft Intune",
        reference: "microsoft_intune",
        serviceInstanceId: "SI1",
        cardDescription: "New card",
        description: "Desc",
      },
      [{ actions: ["ci:Read"], effect: "allow", grantType: "client_credentials" }],
    );
    expect(result.action).to.equal("updated");
    expect(result.changed).to.deep.equal(["cardDescription"]);
    expect(server.of("AppOfferingUpdate")[0].variables.input).to.deep.equal({ id: "AO2", cardDescription: "New card" });
  });

  it("refuses to call as the provider without provider credentials", () => {
    const config = fourmeConfig();
    config.fourme.providerClientSecret = undefined;
    expect(() => createFourMeClients(config).provider()).to.throw(ConfigError, /FOURME_PROVIDER_CLIENT_SECRET/);
  });
});
