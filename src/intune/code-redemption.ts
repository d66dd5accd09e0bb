// Redeeming the authorization code of an administrator's sign-in for its ID token, with the connector's own
// credential (secret or certificate) through MSAL. A fresh MSAL application per redemption: the user's tokens are
// never cached or kept; only the verified identity is used (id-token.ts).
import { ConfidentialClientApplication } from "@azure/msal-node";
import type { Config } from "../config.js";
import type { Cloud } from "./clouds.js";
import { IdTokenError } from "./id-token.js";
import { SIGN_IN_SCOPES } from "./sign-in-link.js";
import { entraError, msalConfiguration } from "./tokens.js";

export async function redeemSignInCode(
  input: { cloud: Cloud; tenantId: string; code: string; codeVerifier: string; redirectUri: string; nonce: string },
  deps: { microsoft: Config["microsoft"]; fetch?: typeof fetch },
): Promise<string> {
  const app = new ConfidentialClientApplication(
    msalConfiguration(deps.microsoft, { cloud: input.cloud, tenantId: input.tenantId }, deps.fetch),
  );
  try {
    const result = await app.acquireTokenByCode({
      code: input.code,
      scopes: SIGN_IN_SCOPES,
      redirectUri: input.redirectUri,
      codeVerifier: input.codeVerifier,
      // MSAL checks the ID token's nonce too; id-token.ts checks it again with the signature.
      nonce: input.nonce,
    });
    if (!result?.idToken) throw new Error("Microsoft Entra ID returned no ID token");
    return result.idToken;
  } catch (err) {
    if ((err as { errorCode?: string }).errorCode === "nonce_mismatch") {
      throw new IdTokenError("nonce", "the ID token was not issued for this link");
    }
    throw entraError(err, input.cloud);
  }
}
