// Per-cloud facts the simulated Entra ID and Graph need (microsoft-graph-intune.md §4.3, §4.5). The simulator
// serves every cloud from one port, told apart by the first path segment: /login/<cloud>/… and /graph/<cloud>/….
import { CLOUDS, cloudEndpoints, isCloud, type Cloud } from "../../intune/clouds.js";

export { CLOUDS, isCloud, type Cloud };

/** The Graph resource a token is for (its `aud`), e.g. https://graph.microsoft.com. */
export function graphResource(cloud: Cloud): string {
  return cloudEndpoints(cloud).graphScope.replace(/\/\.default$/, "");
}

/** Clouds that share one login host: a GCC High and a DoD tenant both sign in at login.microsoftonline.us. */
export function loginGroup(cloud: Cloud): string {
  return cloudEndpoints(cloud).loginUrl;
}

export function realLoginHost(cloud: Cloud): string {
  return cloudEndpoints(cloud).loginUrl;
}

export interface CloudDiscovery {
  cloud_instance_name: string;
  cloud_graph_host_name: string;
  msgraph_host: string;
  tenant_region_scope: string;
  tenant_region_sub_scope?: string;
}

/** Values for the OpenID configuration; national-cloud values are UNCONFIRMED in the reference (best reading). */
export function discoveryValues(cloud: Cloud): CloudDiscovery {
  const msgraph_host = new URL(cloudEndpoints(cloud).graphUrl).host;
  switch (cloud) {
    case "global":
      return {
        cloud_instance_name: "microsoftonline.com",
        cloud_graph_host_name: "graph.windows.net",
        msgraph_host,
        tenant_region_scope: "EU",
      };
    case "usgov":
      return {
        cloud_instance_name: "microsoftonline.us",
        cloud_graph_host_name: "graph.windows.net",
        msgraph_host,
        tenant_region_scope: "USGov",
        tenant_region_sub_scope: "DODCON",
      };
    case "usgov-dod":
      return {
        cloud_instance_name: "microsoftonline.us",
        cloud_graph_host_name: "graph.windows.net",
        msgraph_host,
        tenant_region_scope: "USGov",
        tenant_region_sub_scope: "DOD",
      };
    case "china":
      return {
        cloud_instance_name: "partner.microsoftonline.cn",
        cloud_graph_host_name: "graph.chinacloudapi.cn",
        msgraph_host,
        tenant_region_scope: "AS",
      };
  }
}
