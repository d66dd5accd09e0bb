// Probes for load balancers: liveness answers while the process serves HTTP; readiness also needs the store.
import express from "express";
import type { InstanceStore } from "../store/types.js";
import type { Logger } from "../logger.js";

/** A store that takes longer than this to answer counts as unreachable. */
export const READY_TIMEOUT_MS = 2_000;

export function createHealthRouter(deps: { store: InstanceStore; logger: Logger }): express.Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.status(200).json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        deps.store.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
          timer.unref();
        }),
      ]);
      res.status(200).json({ status: "ready" });
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, "readiness: store unreachable");
      res.status(503).json({ status: "store unreachable" });
    } finally {
      clearTimeout(timer);
    }
  });
  return router;
}
