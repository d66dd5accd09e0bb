// No compliance request goes out while a reference in the alert settings (service instance, team, request template)
// was not found in 4me: 4me would refuse the request, and routing it elsewhere would hide the mistake. The pass is
// skipped, and the reason shows in the run summary (the sync records a failed afterWrite as "alerts: <reason>").
import type { InstanceStore } from "../store/types.js";
import type { PassResult } from "../sync/run-sync.js";

type AfterWrite<A extends unknown[]> = (account: string, ...rest: A) => Promise<PassResult>;

export function skipOnReferenceProblem<A extends unknown[]>(
  hook: AfterWrite<A>,
  store: Pick<InstanceStore, "getInstance">,
): AfterWrite<A> {
  return async (account, ...rest) => {
    const alerts = (await store.getInstance(account))?.settings?.alerts;
    if (alerts?.enabled && alerts.referenceProblem) throw new Error(alerts.referenceProblem);
    return hook(account, ...rest);
  };
}
