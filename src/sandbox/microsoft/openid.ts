// The tenant's OpenID configuration, keyed as graph-examples/openid-configuration-tenant.json; endpoints point at
// the simulator (the base URL the client used), host names of the cloud stay Microsoft's.
import { discoveryValues, type Cloud } from "./clouds.js";

/** The v2.0 issuer of a tenant (or `{tenantid}` for /organizations and /common), as discovery and ID tokens name it. */
export function issuerOf(base: string, cloud: Cloud, tenantSegment: string): string {
  const generic = tenantSegment === "organizations" || tenantSegment === "common";
  return `${base}/login/${cloud}/${generic ? "{tenantid}" : tenantSegment}/v2.0`;
}

export function openIdConfiguration(base: string, cloud: Cloud, tenantSegment: string): Record<string, unknown> {
  const at = `${base}/login/${cloud}/${tenantSegment}`;
  const d = discoveryValues(cloud);
  return {
    token_endpoint: `${at}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${at}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: issuerOf(base, cloud, tenantSegment),
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/graph/${cloud}/oidc/userinfo`,
    authorization_endpoint: `${at}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${at}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${at}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: `${at}/kerberos`,
    ...d,
    rbac_url: "https://pas.windows.net",
  };
}
