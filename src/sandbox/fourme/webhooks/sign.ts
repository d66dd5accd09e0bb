// Signs a webhook delivery like 4me does with a webhook policy (4me-platform.md §3.2): a JWT whose `data` claim holds
// the webhook envelope, issued by the account URL, with jti, iat, nbf, sub = webhook id, and aud/exp when the policy
// sets them.
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import type { WebhookPolicyRec } from "../store/records.js";

export interface WebhookEnvelope {
  webhook_id: number;
  webhook_nodeID: string;
  account_id: string;
  account: string;
  name: string;
  event: string;
  object_id?: number;
  object_nodeID?: string;
  person_id?: number;
  person_nodeID?: string;
  person_name?: string;
  payload: Record<string, unknown>;
}

export interface SignOptions {
  issuer: string;
  subject: string;
  nowSeconds: number;
}

export async function signDelivery(policy: WebhookPolicyRec, data: WebhookEnvelope, o: SignOptions): Promise<string> {
  const jwt = new SignJWT({ data })
    .setProtectedHeader({ alg: policy.jwtAlg.toUpperCase(), typ: "JWT", kid: policy.kid })
    .setIssuer(o.issuer)
    .setSubject(o.subject)
    .setJti(randomBytes(32).toString("hex"))
    .setIssuedAt(o.nowSeconds)
    .setNotBefore(o.nowSeconds);
  if (policy.jwtAudience) jwt.setAudience(policy.jwtAudience);
  // jwtClaimExpiresIn is in minutes (help.4me.com webhook_policy_fields).
  if (policy.jwtClaimExpiresIn) jwt.setExpirationTime(o.nowSeconds + policy.jwtClaimExpiresIn * 60);
  return jwt.sign(policy.privateKey);
}
