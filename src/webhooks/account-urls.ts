// The URLs that identify a 4me account: the webhook issuers we accept and the only place a webhook.verify callback
// may point to; and the family of account URLs a webhook policy's own issuer must belong to. Pure.
import { accountUrl, type FourMeEndpoints } from "../fourme/endpoints.js";

/** A 4me account id, as in FOURME_PROVIDER_ACCOUNT and `customer_account_id`. */
export const ACCOUNT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isAccountId(value: unknown): value is string {
  return typeof value === "string" && ACCOUNT_ID_PATTERN.test(value);
}

/**
 * The account's URL on the configured brand and on its twin (4me ↔ Xurrent), plus any extra issuer the account's
 * policy names. No duplicates, no trailing slash.
 */
export function accountUrls(
  endpoints: Pick<FourMeEndpoints, "accountUrlTemplate" | "twinAccountUrlTemplate">,
  account: string,
  extraIssuers: (string | null | undefined)[] = [],
): string[] {
  const urls = [endpoints.accountUrlTemplate, endpoints.twinAccountUrlTemplate]
    .filter((t): t is string => !!t)
    .map((t) => accountUrl(t, account));
  for (const extra of extraIssuers) if (extra) urls.push(extra);
  return [...new Set(urls.map((u) => u.replace(/\/+$/, "")))];
}

/**
 * Whether `candidate` lies under one of the account URLs: same scheme, host and port, and (for account URLs that
 * carry a path, as in the sandbox's `http://127.0.0.1:PORT/{account}`) under that path. URLs with credentials
 * are never accepted.
 */
export function isUnderAccountUrl(candidate: URL, urls: string[]): boolean {
  if (candidate.username || candidate.password) return false;
  if (candidate.protocol !== "https:" && candidate.protocol !== "http:") return false;
  return urls.some((u) => {
    let base: URL;
    try {
      base = new URL(u);
    } catch {
      return false;
    }
    if (base.origin !== candidate.origin) return false;
    const basePath = base.pathname.replace(/\/+$/, "");
    return basePath === "" || candidate.pathname === basePath || candidate.pathname.startsWith(`${basePath}/`);
  });
}

/**
 * Whether `issuer` (a webhook policy's own `issuer`, from app_instance.secrets-update) is the URL of some 4me
 * account in the configured environment: an account URL template (both brands, in the configured region, or the
 * override the sandbox uses) with a valid account id in place of `{account}`. So never a custom domain, another
 * environment, a port, a path, credentials or plain http (unless the configured template itself is http, as the
 * loopback sandbox's is).
 */
export function isFourMeAccountUrl(
  issuer: string,
  endpoints: Pick<FourMeEndpoints, "accountUrlTemplate" | "twinAccountUrlTemplate">,
): boolean {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return false;
  }
  if (url.username || url.password || url.search || url.hash) return false;
  // Normalised (lower-case host, default port dropped), without a trailing slash.
  const normalised = url.href.replace(/\/+$/, "");
  return [endpoints.accountUrlTemplate, endpoints.twinAccountUrlTemplate]
    .filter((t): t is string => !!t)
    .some((template) => {
      const [before, after, ...more] = template.replace(/\/+$/, "").split("{account}");
      if (after === undefined || more.length > 0) return false;
      if (!normalised.startsWith(before.toLowerCase()) || !normalised.endsWith(after.toLowerCase())) return false;
      const account = normalised.slice(before.length, normalised.length - after.length);
      return isAccountId(account) && normalised.length === before.length + account.length + after.length;
    });
}
