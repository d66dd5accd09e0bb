// HTTP transport of the webhook receiver: method, content type, body size and JSON, then the pipeline in
// receive.ts. Every request ends in exactly one log line: a warning with the reason when refused, info otherwise.
// The token and the body are never logged.
import express, { type Request, type Response } from "express";
import type { Logger } from "../logger.js";
import { deliveryIdFrom } from "./replay-guard.js";
import { createWebhookReceiver, type ReceiveOutcome } from "./receive.js";
import type { HandlerDeps, WebhookSource } from "./types.js";

export const PROVIDER_WEBHOOK_PATH = "/webhooks/4me";
export const CUSTOMER_WEBHOOK_PATH = "/webhooks/4me/customer";
/** A real delivery is a few KiB; the token inside may be at most 8 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Body-parser failures, by its error `type`, as the answer we give. */
const BODY_ERRORS: Record<string, { status: number; outcome: string }> = {
  "entity.too.large": { status: 413, outcome: `body larger than ${MAX_BODY_BYTES} bytes` },
  "entity.parse.failed": { status: 400, outcome: "body is not valid JSON" },
  "encoding.unsupported": { status: 415, outcome: "content encoding not supported" },
  "charset.unsupported": { status: 415, outcome: "charset not supported" },
  "request.size.invalid": { status: 400, outcome: "body length does not match Content-Length" },
  "request.aborted": { status: 400, outcome: "request aborted" },
};

export function createWebhookRouter(deps: HandlerDeps): express.Router {
  const receive = createWebhookReceiver(deps);
  const parseJson = express.json({ limit: MAX_BODY_BYTES, strict: true, type: () => true });
  const router = express.Router();

  const endpoint = (source: WebhookSource) => async (req: Request, res: Response) => {
    const started = performance.now();
    const deliveryId = deliveryIdFrom(req.headers);
    const finish = (result: ReceiveOutcome) =>
      respond(deps.logger, res, result, {
        source,
        deliveryId,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });

    if (req.method !== "POST") {
      res.setHeader("Allow", "POST");
      return finish({ status: 405, outcome: `method ${req.method.slice(0, 10)} not allowed` });
    }
    // 4me sends application/json; charset=utf-8. Anything else is not one of its deliveries.
    if (req.is(["application/json", "application/*+json"]) === false) {
      return finish({ status: 415, outcome: "content type is not JSON" });
    }

    let parseError: { type?: string } | undefined;
    await new Promise<void>((resolve) =>
      parseJson(req, res, (err?: unknown) => {
        parseError = err as { type?: string } | undefined;
        resolve();
      }),
    );
    if (parseError) {
      return finish(BODY_ERRORS[parseError.type ?? ""] ?? { status: 400, outcome: "body could not be read" });
    }

    let result: ReceiveOutcome;
    try {
      result = await receive({ source, account: req.query.account, body: req.body, deliveryId });
    } catch (err) {
      result = { status: 500, outcome: "internal error", detail: (err as Error).message };
    }
    finish(result);
  };

  router.all(PROVIDER_WEBHOOK_PATH, endpoint("provider"));
  router.all(CUSTOMER_WEBHOOK_PATH, endpoint("customer"));
  return router;
}

function respond(
  logger: Logger,
  res: Response,
  result: ReceiveOutcome,
  request: { source: WebhookSource; deliveryId?: string; ms: number },
): void {
  const line = {
    webhook: {
      source: request.source,
      status: result.status,
      reason: result.outcome,
      detail: result.detail,
      event: result.event,
      account: result.account,
      delivery: request.deliveryId,
      ms: request.ms,
    },
  };
  if (result.status >= 500) logger.error(line, "webhook failed");
  else if (result.status >= 300) logger.warn(line, "webhook rejected");
  else logger.info(line, "webhook received");
  if (res.headersSent) return;
  // Refused before its body was read: Node closes such a connection after the answer, so say so, and the client
  // does not send its next request down a socket that is going away.
  if (hasBody(res.req) && !res.req.readableEnded) res.setHeader("Connection", "close");
  res.status(result.status).json({ ok: result.status < 300, message: result.answer ?? result.outcome });
}

function hasBody(req: Request): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}
