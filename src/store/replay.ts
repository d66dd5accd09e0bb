// The replay cache (rememberOnce) purges expired ids at most this often per store, on the call that finds the
// interval passed: cheap enough for every webhook, frequent enough to keep the table small.
export const PURGE_INTERVAL_MS = 60_000;
