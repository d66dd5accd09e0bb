// POST /oauth/token: client credentials, as a form or as JSON (both are used in production, §2.1).
import express, { type Router } from "express";
import type { OauthService } from "../oauth.js";
import { accountHeader } from "./account-header.js";

function oauthError(status: number, error: string, description: string) {
  return { status, body: { error, error_description: description } };
}

export function oauthRouter(oauth: OauthService, onIssued: () => void = () => {}): Router {
  const router = express.Router();
  router.post(
    "/oauth/token",
    express.urlencoded({ extended: false, limit: "16kb" }),
    express.json({ limit: "16kb" }),
    (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const reply = (r: { status: number; body: unknown }) =>
        res.status(r.status).set("Cache-Control", "no-store").json(r.body);
      const { grant_type, client_id, client_secret } = body;
      if (typeof grant_type !== "string" || typeof client_id !== "string" || typeof client_secret !== "string") {
        return reply(oauthError(400, "invalid_request", "grant_type, client_id and client_secret are required"));
      }
      if (grant_type !== "client_credentials") {
        return reply(oauthError(400, "unsupported_grant_type", `grant type ${grant_type} is not supported`));
      }
      const client = oauth.authenticate(client_id, client_secret);
      if (!client) return reply(oauthError(401, "invalid_client", "Client authentication failed"));
      const account = accountHeader(req.headers);
      if (account && account !== client.account) {
        return reply(oauthError(401, "invalid_client", `The client does not belong to account ${account}`));
      }
      onIssued();
      return reply({ status: 200, body: oauth.issue(client) });
    },
  );
  router.all("/oauth/token", (_req, res) => {
    res.status(405).set("Allow", "POST").json({ error: "invalid_request", error_description: "use POST" });
  });
  return router;
}
