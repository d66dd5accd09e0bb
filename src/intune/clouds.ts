// Microsoft national clouds: login, Graph and Intune admin-center hosts (microsoft-graph-intune.md §4.5).
// Pure: a table and a resolver with overrides, which is how the sandbox points the connector at loopback.

export const CLOUDS = ["global", "usgov", "usgov-dod", "china"] as const;
export type Cloud = (typeof CLOUDS)[number];

export interface CloudEndpoints {
  cloud: Cloud;
  loginUrl: string;
  graphUrl: string;
  /** The `.default` scope of the cloud's Graph resource; Graph rejects another cloud's token. */
  graphScope: string;
  adminCenterUrl: string;
}

const TABLE: Record<Cloud, Omit<CloudEndpoints, "cloud">> = {
  global: {
    loginUrl: "https://login.microsoftonline.com",
    graphUrl: "https://graph.microsoft.com",
    graphScope: "https://graph.microsoft.com/.default",
    adminCenterUrl: "https://intune.microsoft.com",
  },
  usgov: {
    loginUrl: "https://login.microsoftonline.us",
    graphUrl: "https://graph.microsoft.us",
    graphScope: "https://graph.microsoft.us/.default",
    adminCenterUrl: "https://intune.microsoft.us",
  },
  "usgov-dod": {
    loginUrl: "https://login.microsoftonline.us",
    graphUrl: "https://dod-graph.microsoft.us",
    graphScope: "https://dod-graph.microsoft.us/.default",
    adminCenterUrl: "https://intune.microsoft.us",
  },
  china: {
    loginUrl: "https://login.chinacloudapi.cn",
    graphUrl: "https://microsoftgraph.chinacloudapi.cn",
    graphScope: "https://microsoftgraph.chinacloudapi.cn/.default",
    adminCenterUrl: "https://intune.microsoftonline.cn",
  },
};

export interface CloudOverrides {
  loginUrl?: string;
  graphUrl?: string;
  adminCenterUrl?: string;
}

/**
 * Endpoints for a cloud. An override replaces that host for every cloud but keeps the cloud's path under it
 * (`<override>/<cloud>`) so a single simulator can tell the clouds apart and tests can check host selection.
 */
export function cloudEndpoints(cloud: Cloud, overrides: CloudOverrides = {}): CloudEndpoints {
  const base = TABLE[cloud];
  const under = (url: string | undefined, fallback: string) => (url ? `${url.replace(/\/$/, "")}/${cloud}` : fallback);
  return {
    cloud,
    loginUrl: under(overrides.loginUrl, base.loginUrl),
    graphUrl: under(overrides.graphUrl, base.graphUrl),
    graphScope: base.graphScope,
    adminCenterUrl: overrides.adminCenterUrl ? overrides.adminCenterUrl.replace(/\/$/, "") : base.adminCenterUrl,
  };
}

const CLOUD_NAMES: Record<Cloud, string> = {
  global: "Global",
  usgov: "US Government GCC High",
  "usgov-dod": "US Government DoD",
  china: "China (21Vianet)",
};

/** The cloud's name in the reasons the form shows. */
export function cloudName(cloud: Cloud): string {
  return CLOUD_NAMES[cloud];
}

export function isCloud(value: string): value is Cloud {
  return (CLOUDS as readonly string[]).includes(value);
}
