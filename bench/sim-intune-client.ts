// The real Intune client (MSAL tokens, throttled Graph HTTP) pointed at a simulator that a parent bench process
// started: what the measured child processes of bench/graph-read.ts and bench/detected-apps.ts read through.
// Imported dynamically by those children only, so the orchestrating parent never carries the client.
import { createIntuneClient, type IntuneClient } from "../src/intune/intune-client.js";
import { MsalGraphTokens } from "../src/intune/tokens.js";

export interface SimConnection {
  clientId: string;
  clientSecret: string;
  loginUrl: string;
  graphUrl: string;
  tenantId: string;
}

export function simIntuneClient(info: SimConnection): IntuneClient {
  const microsoft = {
    apps: { global: { clientId: info.clientId, clientSecret: info.clientSecret } },
    loginUrl: info.loginUrl,
    graphUrl: info.graphUrl,
  };
  return createIntuneClient(
    { tenantId: info.tenantId, cloud: "global" },
    { microsoft, tokens: new MsalGraphTokens(microsoft) },
  );
}
