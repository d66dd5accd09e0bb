// Carries out one planned alert action in 4me and records it in the alert ledger (issue 7). A create is recorded as
// pending before the request is written, so a crash or a rerun never doubles a request.
import type { CustomerApi } from "../fourme/customer-api.js";
import type { Request } from "../fourme/types.js";
import type { AlertEntry, InstanceStore } from "../store/types.js";
import type { AlertAction } from "./plan-alerts.js";

/** Carries one planned action out; each write is followed by its ledger entry. */
export async function carryOut(
  action: AlertAction,
  api: CustomerApi,
  store: InstanceStore,
  add: (k: string, n?: number) => void,
): Promise<void> {
  switch (action.kind) {
    case "create": {
      if (action.findExistingFirst) {
        // A pending entry: the create may have reached 4me before the crash.
        const found = await openRequestOf(api, action.request.sourceID, action.entry.previousRequestId);
        if (found) {
          await store.putAlert({ ...action.entry, state: "open", requestId: found.id });
          add("recovered");
          return;
        }
      }
      await store.putAlert(action.entry);
      const { source: _source, ...fields } = action.request;
      const request = await api.createRequest(fields);
      await store.putAlert({ ...action.entry, state: "open", requestId: request.id });
      add("created");
      return;
    }
    case "addNote":
      await api.addNote(action.requestId, action.note);
      await store.putAlert(action.entry);
      add("noted");
      return;
    case "resolve":
      await api.completeRequest(action.requestId, action.note, action.completionReason);
      await store.putAlert(action.entry);
      add("resolved");
      return;
    case "noteDeviceGone":
      await api.addNote(action.requestId, action.note);
      await store.putAlert(action.entry);
      add("gone_noted");
      return;
    case "ledger":
      await store.putAlert(action.entry);
      add(action.why);
      return;
    case "settlePending": {
      const found = await openRequestOf(api, action.sourceID, action.entry.previousRequestId);
      const entry: AlertEntry = found
        ? { ...action.entry, state: "open", requestId: found.id }
        : { ...action.entry, state: "resolved" };
      await store.putAlert(entry);
      add(found ? "recovered" : "settled");
      return;
    }
  }
}

/** The newest open request of a device other than its previous one. */
async function openRequestOf(api: CustomerApi, sourceID: string, previousId?: string): Promise<Request | undefined> {
  const open = (await api.findOpenRequestsBySource([sourceID])).filter(
    (r) => r.sourceID === sourceID && r.id !== previousId,
  );
  return open.sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? ""))[0];
}
