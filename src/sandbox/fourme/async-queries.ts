// Asynchronous queries: the work runs once its delay has passed on the simulator's clock, the next time anything
// looks (a GraphQL request, a poll of the result URL, the inspection API). No timers, so tests never sleep.
import { isoAt } from "./clock.js";
import type { AsyncQueryRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";

export function completeIfDue(store: FourMeStore, q: AsyncQueryRec): void {
  if (q.status === "completed" || store.clock.now() < q.readyAt || !q.run) return;
  const run = q.run;
  q.run = undefined;
  store.asyncQueries.update(q, { status: "in_progress", startedAt: isoAt(store.clock) });
  q.result = run();
}

/** Completes every query whose time has come. */
export function settleAsyncQueries(store: FourMeStore): void {
  for (const q of store.asyncQueries.all()) if (q.status !== "completed") completeIfDue(store, q);
}

/** What the result URL serves: `{}` until the query completed, then its JSON. Undefined for an unknown token. */
export function asyncResult(store: FourMeStore, token: string): unknown {
  const q = store.asyncQueries.all().find((x) => x.token === token);
  if (!q) return undefined;
  completeIfDue(store, q);
  return q.status === "completed" ? q.result : {};
}
