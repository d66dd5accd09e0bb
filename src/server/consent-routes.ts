// GET /consent/callback: where Microsoft sends the administrator back after admin consent. The work is in
// intune/consent-callback.ts; this answers a small page that says what happened and links back to 4me.
import { Router, type Request, type Response } from "express";
import { silentLogger } from "../logger.js";
import { CONSENT_CALLBACK_PATH } from "../intune/consent.js";
import { handleConsentCallback, type ConsentCallbackDeps, type ConsentOutcome } from "../intune/consent-callback.js";

export function createConsentRouter(deps: ConsentCallbackDeps): Router {
  const router = Router();
  router.get(CONSENT_CALLBACK_PATH, async (req: Request, res: Response) => {
    let outcome: ConsentOutcome;
    try {
      outcome = await handleConsentCallback(req.query as Record<string, unknown>, deps);
    } catch (err) {
      (deps.logger ?? silentLogger).error({ err: (err as Error).message }, "consent callback failed");
      outcome = {
        result: "rejected",
        title: "Consent could not be completed",
        message: "The connector hit an internal error. Try the consent link again in a few minutes.",
      };
    }
    const status = outcome.result === "rejected" ? 400 : 200;
    res
      .status(status)
      .set({
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
        "x-content-type-options": "nosniff",
      })
      .send(renderConsentPage(outcome));
  });
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
