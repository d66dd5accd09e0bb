// Webhooks and webhook policies. A policy's public key is returned once, by webhookPolicyCreate.
import { by, type FilterSpec } from "../graphql/filters.js";
import { listRecords, type ListArgs } from "../graphql/listing.js";
import type { ResolverMap } from "../graphql/schema.js";
import type { WebhookPolicyRec, WebhookRec } from "../store/records.js";
import { SIGNING_ALGS } from "../webhooks/keys.js";
import { Errors, Msg, payload } from "../validation.js";
import { accountObject, own } from "./common.js";

const filters = <T extends WebhookRec | WebhookPolicyRec>(): FilterSpec<T> => ({
  id: by.values((r) => r.id),
  createdAt: by.range((r) => r.createdAt),
  updatedAt: by.range((r) => r.updatedAt),
});

type WebhookInput = {
  id?: string;
  clientMutationId?: string;
  event?: string;
  uri?: string;
  name?: string;
  description?: string;
  disabled?: boolean;
  webhookPolicyId?: string;
  mailExceptionsTo?: string;
  appOfferingReferences?: string[];
};

type PolicyInput = {
  id?: string;
  clientMutationId?: string;
  jwtAlg?: string;
  jwtAudience?: string | null;
  jwtClaimExpiresIn?: number | null;
  disabled?: boolean;
};

const WEBHOOK_FIELDS = [
  "event",
  "uri",
  "name",
  "description",
  "disabled",
  "webhookPolicyId",
  "mailExceptionsTo",
  "appOfferingReferences",
] as const;

export const webhookResolvers: ResolverMap = {
  Query: {
    webhooks: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.webhooks, args, ctx, {
        connection: "webhooks",
        filters: {
          ...filters<WebhookRec>(),
          source: by.values((r) => r.source),
          sourceID: by.values((r) => r.sourceID),
        },
      }),
    webhookPolicies: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.webhookPolicies, args, ctx, {
        connection: "webhookPolicies",
        filters: filters<WebhookPolicyRec>(),
      }),
  },
  Mutation: {
    webhookCreate: (_s, { input }: { input: WebhookInput }, ctx) => {
      const e = new Errors();
      e.required("event", "Event", input.event);
      e.required("uri", "URI", input.uri);
      if (input.uri && !/^https?:\/\//.test(input.uri)) e.add("uri", "URI is invalid");
      if (input.webhookPolicyId && !own(ctx.store.webhookPolicies, input.webhookPolicyId, ctx)) {
        e.add("webhookPolicyId", Msg.notFound("Webhook policy", input.webhookPolicyId));
      }
      if (!e.empty) return payload("webhook", e.list, null, input.clientMutationId);
      const fields = Object.fromEntries(WEBHOOK_FIELDS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
      const webhook = ctx.store.webhooks.insert(ctx.account, {
        disabled: false,
        verified: false,
        ...(fields as { event: string; uri: string }),
      });
      ctx.hooks.webhookNeedsVerification(webhook);
      return payload("webhook", [], webhook, input.clientMutationId);
    },
    webhookUpdate: (_s, { input }: { input: WebhookInput }, ctx) => {
      const webhook = own(ctx.store.webhooks, input.id, ctx);
      if (!webhook)
        return payload("webhook", [{ path: ["id"], message: Msg.notFound("Webhook", String(input.id)) }], null);
      if (input.webhookPolicyId && !own(ctx.store.webhookPolicies, input.webhookPolicyId, ctx)) {
        return payload(
          "webhook",
          [{ path: ["webhookPolicyId"], message: Msg.notFound("Webhook policy", input.webhookPolicyId) }],
          null,
        );
      }
      // A new URI must be verified again; an update of a webhook still unverified sends webhook.verify again with a
      // fresh code (developer.xurrent.com/v1/webhooks, "Verification").
      const uriChanged = input.uri !== undefined && input.uri !== webhook.uri;
      const fields = Object.fromEntries(WEBHOOK_FIELDS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
      ctx.store.webhooks.update(webhook, { ...fields, ...(uriChanged ? { verified: false } : {}) });
      if (uriChanged || !webhook.verified) ctx.hooks.webhookNeedsVerification(webhook);
      return payload("webhook", [], webhook, input.clientMutationId);
    },
    webhookPolicyCreate: async (_s, { input }: { input: PolicyInput }, ctx) => {
      if (!input.jwtAlg || !(SIGNING_ALGS as readonly string[]).includes(input.jwtAlg)) {
        return payload(
          "webhookPolicy",
          [
            {
              path: ["jwtAlg"],
              message: `Jwt alg ${input.jwtAlg} is not supported by the sandbox (use ${SIGNING_ALGS.join(", ")})`,
            },
          ],
          null,
          input.clientMutationId,
        );
      }
      const keys = await ctx.hooks.newPolicyKeys(input.jwtAlg);
      const policy = ctx.store.webhookPolicies.insert(ctx.account, {
        jwtAlg: input.jwtAlg,
        jwtAudience: input.jwtAudience ?? undefined,
        jwtClaimExpiresIn: input.jwtClaimExpiresIn ?? undefined,
        disabled: input.disabled ?? false,
        ...keys,
      });
      return payload(
        "webhookPolicy",
        [],
        { ...policy, __typename: "WebhookPolicyCreateResponse" },
        input.clientMutationId,
      );
    },
    webhookPolicyUpdate: async (_s, { input }: { input: PolicyInput }, ctx) => {
      const policy = own(ctx.store.webhookPolicies, input.id, ctx);
      if (!policy)
        return payload(
          "webhookPolicy",
          [{ path: ["id"], message: Msg.notFound("Webhook policy", String(input.id)) }],
          null,
        );
      const patch: Partial<WebhookPolicyRec> = {};
      if (input.jwtAlg && input.jwtAlg !== policy.jwtAlg) {
        if (!(SIGNING_ALGS as readonly string[]).includes(input.jwtAlg)) {
          return payload(
            "webhookPolicy",
            [{ path: ["jwtAlg"], message: `Jwt alg ${input.jwtAlg} is not supported by the sandbox` }],
            null,
          );
        }
        Object.assign(patch, { jwtAlg: input.jwtAlg, ...(await ctx.hooks.newPolicyKeys(input.jwtAlg)) });
      }
      if (input.jwtAudience !== undefined) patch.jwtAudience = input.jwtAudience ?? undefined;
      if (input.jwtClaimExpiresIn !== undefined) patch.jwtClaimExpiresIn = input.jwtClaimExpiresIn ?? undefined;
      if (input.disabled !== undefined) patch.disabled = input.disabled;
      return payload("webhookPolicy", [], ctx.store.webhookPolicies.update(policy, patch), input.clientMutationId);
    },
  },
  Webhook: {
    webhookPolicy: (r: WebhookRec, _a, ctx) => ctx.store.webhookPolicies.get(r.webhookPolicyId),
  },
  WebhookPolicy: {
    account: (r: WebhookPolicyRec, _a, ctx) => accountObject(ctx, r.account),
  },
  WebhookPolicyCreateResponse: {
    account: (r: WebhookPolicyRec, _a, ctx) => accountObject(ctx, r.account),
  },
};
