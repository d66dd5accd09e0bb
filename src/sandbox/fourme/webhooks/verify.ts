// The webhook.verify handshake (4me-platform.md §3.4): 4me POSTs a signed webhook.verify delivery whose payload holds
// a callback URL on the account's own host; the webhook becomes active once the receiver GETs that URL.
import { randomBytes } from "node:crypto";
import express, { type Router } from "express";
import type { Clock } from "../clock.js";
import type { WebhookRec } from "../store/records.js";
import type { FourMeStore } from "../store/store.js";
import { accountUrl } from "../urls.js";
import type { Delivery, WebhookSender } from "./sender.js";

export interface VerifyCallback {
  webhookId: string;
  at: string;
  ok: boolean;
}

const DAY_S = 86_400;

export class WebhookVerifier {
  private readonly codes = new Map<string, { code: string; expiresAt: number }>();
  readonly callbacks: VerifyCallback[] = [];

  constructor(
    private readonly store: FourMeStore,
    private readonly clock: Clock,
    private readonly sender: WebhookSender,
    private readonly accountUrlTemplate: () => string,
  ) {}

  /** Sends webhook.verify to the webhook; it stays unverified until its callback is called. */
  async start(webhook: WebhookRec): Promise<Delivery> {
    const code = randomBytes(16).toString("hex");
    const expiresAt = Math.floor(this.clock.now() / 1000) + DAY_S;
    this.codes.set(webhook.id, { code, expiresAt });
    this.store.webhooks.update(webhook, { verified: false });
    const callback = `${accountUrl(this.accountUrlTemplate(), webhook.account)}/webhooks/${webhook.n}/verify?code=${code}&expires_at=${expiresAt}`;
    return this.sender.send(webhook, "webhook.verify", { callback }, { object: webhook });
  }

  /** GET /<account>/webhooks/<n>/verify?code=…: the receiver's half of the handshake. */
  router(): Router {
    const router = express.Router();
    router.get("/:account/webhooks/:n/verify", (req, res) => {
      const webhook = this.store.webhooks.inAccount(req.params.account).find((w) => String(w.n) === req.params.n);
      const expected = webhook ? this.codes.get(webhook.id) : undefined;
      const ok =
        !!webhook &&
        !!expected &&
        expected.code === req.query.code &&
        Math.floor(this.clock.now() / 1000) <= expected.expiresAt;
      this.callbacks.push({ webhookId: webhook?.id ?? "", at: new Date(this.clock.now()).toISOString(), ok });
      if (!ok || !webhook) return void res.status(404).type("text/plain").send("Unknown or expired verification code");
      this.codes.delete(webhook.id);
      this.store.webhooks.update(webhook, { verified: true });
      res.status(200).type("text/plain").send("Webhook verified");
    });
    return router;
  }
}
