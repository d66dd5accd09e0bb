// Pure comparisons for the publish tool: which fields of a provisioned record differ from what we want. No I/O.
import type {
  AppOffering,
  AppOfferingInput,
  AppOfferingScope,
  AutomationRule,
  Webhook,
  WebhookInput,
  WebhookPolicy,
  WebhookPolicyInput,
} from "./types.js";

/** Whether a policy signs with the algorithm `input` asks for (4me answers the enum in lower case). */
export function sameAlgorithm(policy: WebhookPolicy, input: WebhookPolicyInput): boolean {
  return (policy.jwtAlg ?? "").toLowerCase() === input.jwtAlg.toLowerCase();
}

/** Fields of `input` whose value differs from the webhook's. */
export function webhookChanges(existing: Webhook, input: WebhookInput): string[] {
  const changed = (["event", "uri", "name", "description", "webhookPolicyId", "mailExceptionsTo"] as const).filter(
    (k) => input[k] !== undefined && input[k] !== existing[k],
  );
  return existing.disabled !== (input.disabled ?? false) ? [...changed, "disabled"] : changed;
}

/** Fields of `input` whose value differs from the offering's. */
export function appOfferingChanges(existing: AppOffering, input: AppOfferingInput): string[] {
  return (Object.keys(input) as (keyof AppOfferingInput)[]).filter(
    (k) => input[k] !== undefined && JSON.stringify(input[k]) !== JSON.stringify(existing[k]),
  );
}

export function scopeKey(scopes: AppOfferingScope[]): string {
  return JSON.stringify(
    scopes
      .map((s) => [
        [...s.actions].sort(),
        s.effect,
        s.grantType ?? "client_credentials",
        [...(s.conditions ?? [])].sort(),
      ])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  );
}

export function ruleKey(r: AutomationRule): string {
  return JSON.stringify([
    r.name,
    r.description ?? "",
    r.generic ?? "",
    r.trigger,
    r.condition,
    r.expressions ?? [],
    r.actions ?? [],
  ]);
}
