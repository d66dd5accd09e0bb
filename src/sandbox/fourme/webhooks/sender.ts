// Delivers signed webhooks to their URIs over HTTP and remembers each delivery, so tests can look at what was sent
// and redeliver one (same JWT, new delivery id, like 4me's "Redeliver" button).
import { randomUUID } from "node:crypto";
import type { Clock } from "../clock.js";
import type { WebhookRec } from "../store/records.js";
import type { FourMeStore } from "../store/store.js";
import { accountUrl } from "../urls.js";
import { signDelivery, type WebhookEnvelope } from "./sign.js";

export interface Delivery {
  id: string;
  webhookId: string;
  event: string;
  uri: string;
  jwt: string;
  /** Decoded `data` claim, for inspection. */
  data: WebhookEnvelope;
  at: string;
  /** HTTP status of the receiver's answer, or 0 when it could not be reached. */
  status: number;
  responseBody: string;
  error?: string;
  redeliveryOf?: string;
}

export interface DeliveryTarget {
  /** The record the event is about (object_id / object_nodeID). */
  object?: { id: string; n: number };
  person?: { id: string; n: number; name: string };
}

export class WebhookSender {
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly store: FourMeStore,
    private readonly clock: Clock,
    private readonly accountUrlTemplate: () => string,
    /** "xurrent" sends the Xurrent-era headers (x-xurrent-delivery, xurrent User-Agent). */
    private readonly brand: "4me" | "xurrent" = "4me",
    private readonly timeoutMs = 10_000,
  ) {}

  async send(
    webhook: WebhookRec,
    event: string,
    payload: Record<string, unknown>,
    target: DeliveryTarget = {},
  ): Promise<Delivery> {
    const policy = this.store.webhookPolicies.get(webhook.webhookPolicyId);
    if (!policy) throw new Error(`webhook ${webhook.id} has no policy; the sandbox only sends signed webhooks`);
    const url = accountUrl(this.accountUrlTemplate(), webhook.account);
    const data: WebhookEnvelope = {
      webhook_id: webhook.n,
      webhook_nodeID: webhook.id,
      account_id: webhook.account,
      account: url,
      name: webhook.name ?? event,
      event,
      ...(target.object ? { object_id: target.object.n, object_nodeID: target.object.id } : {}),
      ...(target.person
        ? { person_id: target.person.n, person_nodeID: target.person.id, person_name: target.person.name }
        : {}),
      payload,
    };
    const jwt = await signDelivery(policy, data, {
      issuer: url,
      subject: String(webhook.n),
      nowSeconds: Math.floor(this.clock.now() / 1000),
    });
    return this.post(webhook, event, jwt, data);
  }

  /** Sends a recorded delivery again: the same JWT (and so the same jti) under a new delivery id. */
  async redeliver(deliveryId: string): Promise<Delivery> {
    const original = this.deliveries.find((d) => d.id === deliveryId);
    const webhook = this.store.webhooks.get(original?.webhookId);
    if (!original || !webhook) throw new Error(`unknown delivery ${deliveryId}`);
    return this.post(webhook, original.event, original.jwt, original.data, original.id);
  }

  private async post(
    webhook: WebhookRec,
    event: string,
    jwt: string,
    data: WebhookEnvelope,
    redeliveryOf?: string,
  ): Promise<Delivery> {
    const id = randomUUID();
    const x = this.brand === "xurrent";
    const base = x ? "xurrent.com" : "4me.com";
    const headers: Record<string, string> = {
      "Content-Type": "application/json; charset=utf-8",
      "User-Agent": `${x ? "xurrent" : "4me"}/1.0 (https://developer.${base}/v1/webhooks)`,
      [x ? "x-xurrent-delivery" : "X-4me-Delivery"]: id,
      Link: `<${accountUrl(this.accountUrlTemplate(), webhook.account)}/webhooks/${webhook.n}>; rel="canonical"`,
    };
    if (redeliveryOf && x) headers["x-xurrent-delivery-origin"] = redeliveryOf;
    const delivery: Delivery = {
      id,
      webhookId: webhook.id,
      event,
      uri: webhook.uri,
      jwt,
      data,
      at: new Date(this.clock.now()).toISOString(),
      status: 0,
      responseBody: "",
      redeliveryOf,
    };
    try {
      const res = await fetch(webhook.uri, {
        method: "POST",
        headers,
        body: JSON.stringify({ jwt }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      delivery.status = res.status;
      delivery.responseBody = (await res.text()).slice(0, 4096);
    } catch (err) {
      delivery.error = (err as Error).message;
    }
    this.deliveries.push(delivery);
    return delivery;
  }
}
