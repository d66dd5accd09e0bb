// /consent/callback: where Microsoft sends the administrator back, with a POST (form_post) after the sign-in and a GET
// after admin consent. The work is in intune/consent-callback.ts; this answers a small page that says what happened
// and links back to 4me, or sends the browser on to the admin-consent page.
import express, { Router, type NextFunction, type Request, type Response } from "express";
import { silentLogger } from "../logger.js";
import { CONSENT_CALLBACK_PATH } from "../intune/consent.js";
import { handleConsentCallback, type ConsentCallbackDeps, type ConsentOutcome } from "../intune/consent-callback.js";

export function createConsentRouter(deps: ConsentCallbackDeps): Router {
  const router = Router();
  const answer = async (req: Request, res: Response) => {
    const method = req.method === "POST" ? "POST" : "GET";
    const params = (method === "POST" ? req.body : req.query) as Record<string, unknown> | undefined;
    let outcome: ConsentOutcome;
    try {
      outcome = await handleConsentCallback(params ?? {}, method, deps);
    } catch (err) {
      (deps.logger ?? silentLogger).error({ err: (err as Error).message }, "consent callback failed");
      outcome = {
        result: "rejected",
        title: "Consent could not be completed",
        message: "The connector hit an internal error. Try the consent link again in a few minutes.",
      };
    }
    const status = outcome.status ?? (outcome.result === "rejected" ? 400 : 200);
    const headers = {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      "x-content-type-options": "nosniff",
    };
    if (outcome.result === "redirect" && outcome.location) {
      res
        .status(303)
        .set({ ...headers, location: outcome.location })
        .send(renderConsentPage(outcome));
      return;
    }
    res.status(status).set(headers).send(renderConsentPage(outcome));
  };
  router.get(CONSENT_CALLBACK_PATH, answer);
  // form_post answers are a few hundred bytes; anything larger is not Microsoft's.
  router.post(
    CONSENT_CALLBACK_PATH,
    express.urlencoded({ extended: false, limit: "16kb", parameterLimit: 20 }),
    answer,
  );
  // A body the parser refused (too large, malformed): one line, no stack, nothing changed.
  router.use(
    CONSENT_CALLBACK_PATH,
    (err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (!err?.status || err.status >= 500) return next(err);
      res
        .status(err.status)
        .type("text/plain")
        .send(`Not a consent answer (${err.type ?? "bad request"}).\n`);
    },
  );
  return router;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

export function renderConsentPage(o: ConsentOutcome): string {
  const ok = o.result === "connected";
  const link =
    o.backUrl && /^https?:\/\//.test(o.backUrl)
      ? `<p><a href="${esc(o.backUrl)}">Back to the app instance in 4me</a></p>`
      : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)} · Intune connector</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem;color:${ok ? "#1a7f37" : "#b42318"}}a{color:#0b5cad}</style></head>
<body><main data-result="${esc(o.result)}"><h1>${esc(o.title)}</h1><p>${esc(o.message)}</p>${link}</main></body></html>
`;
}
