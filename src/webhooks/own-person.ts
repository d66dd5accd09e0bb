// Who the connector is in 4me: the person its provider OAuth application acts as. 4me names the person who made a
// change in every webhook envelope (person_nodeID; developer.xurrent.com/v1/webhooks, "Webhook Contents"), so an
// app_instance.update made by this person is the echo of the connector's own appInstanceUpdate.
import type { WebhookEnvelope } from "./types.js";

export interface OwnPerson {
  /** Whether the change in this envelope was made by the connector's provider API person. */
  madeThis(data: WebhookEnvelope): Promise<boolean>;
}

/**
 * Asks `lookup` (the provider API's `me { id }`) once and keeps a success. A failed lookup is not kept, and the
 * change is then taken as the customer's: the refresh's settings fingerprint still stops an echo from syncing.
 */
export function ownPersonOf(lookup: () => Promise<string | undefined>): OwnPerson {
  let known: Promise<string | undefined> | undefined;
  const id = async (): Promise<string | undefined> => {
    known ??= lookup();
    try {
      return await known;
    } catch {
      known = undefined;
      return undefined;
    }
  };
  return {
    async madeThis(data) {
      if (typeof data.person_nodeID !== "string" || data.person_nodeID === "") return false;
      return data.person_nodeID === (await id());
    },
  };
}
