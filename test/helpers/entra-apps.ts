// One app registration for every Microsoft cloud, as a test's connector configuration (config.microsoft.apps): the
// simulator's default keeps a single app in every cloud too. DoD shares the usgov app (entraAppFor's fallback).
import type { EntraApp, EntraApps } from "../../src/intune/entra-apps.js";

export function everyCloud(app: EntraApp): EntraApps {
  return { global: app, usgov: app, china: app };
}
