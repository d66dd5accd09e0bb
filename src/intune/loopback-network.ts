// How MSAL reaches the local Entra simulator (microsoft-graph-intune.md §4.4, checked recipe): MSAL refuses an
// http:// authority and validates the discovery issuer, so the authority is https:// on a made-up host listed in
// knownAuthorities, and this network client carries those URLs to the loopback simulator and rewrites the
// simulator's own base back to the made-up host in what it answers (MSAL takes the first path segment of every
// endpoint for the tenant, so the simulator's /login/<cloud> prefix must not show). Used only when the login URL
// is http. A client assertion (certificate credential) then names the made-up token endpoint as its audience, so
// every request says which made-up origin it came from (x-sandbox-login-origin) and the simulator accepts that audience.
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

export interface LoopbackRoute {
  /** `https://<made-up host>` MSAL sees. */
  fakeOrigin: string;
  /** The simulator's base for this cloud, e.g. `http://127.0.0.1:4010/login/global`. */
  realBase: string;
  /** Other origins routed there too, e.g. the cloud's real login host should a discovery document name it. */
  aliases?: string[];
}

/** A made-up https host per cloud; `.invalid` never resolves, so nothing leaks to the network by mistake. */
export function fakeLoginOrigin(cloud: string): string {
  return `https://${cloud}.login.sandbox.invalid`;
}

export function loopbackNetworkClient(routes: LoopbackRoute[], fetchImpl: typeof fetch = fetch): INetworkModule {
  const toReal = (url: string): { url: string; route: LoopbackRoute } => {
    for (const r of routes) {
      for (const origin of [r.fakeOrigin, ...(r.aliases ?? [])]) {
        if (url === origin || url.startsWith(`${origin}/`))
          return { url: r.realBase + url.slice(origin.length), route: r };
      }
      if (url.startsWith(`${r.realBase}/`)) return { url, route: r };
    }
    // In sandbox mode nothing may reach a real Microsoft host by mistake.
    throw new Error(`sandbox network client: no route for ${new URL(url).origin}`);
  };
  const toFake = (text: string) => routes.reduce((t, r) => t.replaceAll(r.realBase, r.fakeOrigin), text);

  async function send<T>(method: "GET" | "POST", url: string, options?: NetworkRequestOptions, timeout?: number) {
    const real = toReal(url);
    const res = await fetchImpl(real.url, {
      method,
      // Tells the simulator which origin MSAL sees, so it accepts a client assertion addressed to that token endpoint.
      headers: { ...options?.headers, "x-sandbox-login-origin": real.route.fakeOrigin },
      body: method === "POST" ? options?.body : undefined,
      signal: timeout ? AbortSignal.timeout(timeout) : undefined,
    });
    const text = toFake(await res.text());
    let body: unknown;
    try {
      body = text === "" ? {} : JSON.parse(text);
    } catch {
      body = { error: "invalid_response", error_description: text.slice(0, 200) };
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => (headers[key.toLowerCase()] = value));
    return { headers, body: body as T, status: res.status } satisfies NetworkResponse<T>;
  }

  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) =>
      send<T>("GET", url, options, timeout),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>("POST", url, options),
  };
}
