import { expect } from "chai";
import {
  SignJWT,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportSPKI,
  generateKeyPair,
  jwtVerify,
  type JWTPayload,
} from "jose";
import { createHash, randomUUID } from "node:crypto";
import {
  CODE_TTL_MS,
  DIRECTORY_ROLES,
  ID_TOKEN_TAMPERS,
  type IdTokenTamper,
  type MicrosoftSimulator,
} from "../../../../src/sandbox/microsoft/index.js";
import { sortedKeys } from "./examples.js";
import { startSim, type Json } from "./helpers.js";
import { REDIRECT, authorizeRequest, pkcePair, redeem, signInAndRedeem } from "./oidc-helpers.js";

const FLEET = {
  seed: 3,
  size: 5,
  tenants: [{ domain: "contoso.com" }, { domain: "fabrikam.com" }, { domain: "tailspin.us", cloud: "usgov" as const }],
};
const ADMIN_WIDS = [DIRECTORY_ROLES.globalAdministrator, DIRECTORY_ROLES.member];

describe("Microsoft simulator: OpenID Connect authorize endpoint", () => {
  let sim: MicrosoftSimulator;
  before(async () => (sim = await startSim(FLEET, { consented: "none", app: { redirectUris: [REDIRECT] } })));
  after(() => sim.close());
  afterEach(() => {
    sim.controls.signIn(null);
    sim.controls.setConsentOutcome("consent");
  });

  it("answers response_mode=form_post with Microsoft's auto-submitting page, values HTML-escaped", async () => {
    const a = await authorizeRequest(sim, "contoso.com", { response_mode: "form_post", state: `a"<&>'b` });
    expect(a.status).to.equal(200);
    expect(a.html).to.match(
      /^<html><head><title>Working\.\.\.<\/title><\/head><body><form method="POST" name="hiddenform" action="https:\/\/connector\.example\.com\/auth\/callback">/,
    );
    expect(a.html).to.contain(`<input type="hidden" name="state" value="a&#34;&#60;&#38;&#62;&#39;b" />`);
    expect(a.html).to.match(
      /<noscript>.*<\/noscript><\/form><script language="javascript">window\.setTimeout\(function\(\)\{document\.forms\[0\]\.submit\(\)\},0\);<\/script><\/body><\/html>$/,
    );
    expect(Object.keys(a.params)).to.deep.equal(["code", "state", "session_state"]);
    expect([a.target, a.params["state"]]).to.deep.equal([REDIRECT, `a"<&>'b`]);
  });

  it("redirects with code, state and session_state by default (response_mode=query)", async () => {
    const a = await authorizeRequest(sim, "contoso.com");
    expect([a.status, a.target]).to.deep.equal([302, REDIRECT]);
    expect(Object.keys(a.params)).to.deep.equal(["code", "state", "session_state"]);
    expect(a.params["state"]).to.equal("st4te");
  });

  it("shows an error page, without redirecting, for an unknown client, an unregistered redirect URI or tenant", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ client_id: "00000000-0000-4000-8000-000000000000" }, "contoso.com", "AADSTS700016"],
      [{ redirect_uri: "https://evil.example/callback" }, "contoso.com", "AADSTS50011"],
      [{}, "nobody.example", "AADSTS90002"],
    ];
    for (const [query, tenant, code] of cases) {
      const a = await authorizeRequest(sim, tenant, { ...query, response_mode: "form_post" });
      expect([a.status, a.target, a.html.includes(code)]).to.deep.equal([400, undefined, true]);
    }
  });

  it("redirects an unsupported response_type and a cancelled sign-in with their errors and the state", async () => {
    const implicit = await authorizeRequest(sim, "contoso.com", { response_type: "id_token" });
    expect([implicit.params["error"], implicit.params["state"]]).to.deep.equal(["unsupported_response_type", "st4te"]);
    expect(implicit.params["error_description"]).to.match(/^AADSTS700054: /);
    sim.controls.setConsentOutcome("cancel");
    const cancel = await authorizeRequest(sim, "contoso.com");
    expect(cancel.params).to.deep.equal({ error: "access_denied", error_subcode: "cancel", state: "st4te" });
  });

  it("refuses a user of another tenant at a tenant-specific URL with AADSTS50020, posted with the state", async () => {
    sim.controls.signIn({ tenant: "fabrikam.com" });
    const a = await authorizeRequest(sim, "contoso.com", { response_mode: "form_post" });
    const fabrikam = sim.controls.tenant("fabrikam.com").tenantId;
    expect(Object.keys(a.params)).to.deep.equal(["error", "error_description", "error_uri", "state"]);
    expect(a.params["error"]).to.equal("access_denied");
    expect(a.params["error_description"]).to.match(
      new RegExp(
        `^AADSTS50020: User account 'admin@fabrikam\\.com' from identity provider 'https://sts\\.windows\\.net/${fabrikam}/' does not exist in tenant 'contoso\\.com'`,
      ),
    );
    expect(a.params["code"]).to.equal(undefined);
  });

  it("answers response_mode=fragment in the fragment, and a sign-in without openid with no ID token", async () => {
    const a = await authorizeRequest(sim, "contoso.com", { response_mode: "fragment", scope: "User.Read" });
    expect([a.status, Object.keys(a.params)]).to.deep.equal([302, ["code", "state", "session_state"]]);
    const r = await redeem(sim, a.params["code"]!, { scope: "User.Read" });
    expect([r.status, r.body["id_token"], r.body["scope"]]).to.deep.equal([200, undefined, "User.Read"]);
  });

  it("counts each authorize request in the request log under login.authorize", async () => {
    sim.controls.resetStats();
    await authorizeRequest(sim, "contoso.com");
    expect(sim.controls.requests().map((r) => [r.route, r.status])).to.deep.equal([["login.authorize", 302]]);
  });
});

describe("Microsoft simulator: authorization code redemption", () => {
  let sim: MicrosoftSimulator;
  let clock = Date.parse("2026-12-01T10:00:00Z");
  beforeEach(async () => (sim = await startSim(FLEET, { consented: "none", now: () => clock })));
  afterEach(() => sim.close());

  it("answers Entra's token response with an ID token and client_info, and counts the code redeemed", async () => {
    const a = await authorizeRequest(sim, "contoso.com");
    const r = await redeem(sim, a.params["code"]!, { client_info: "1" }, "contoso.com");
    expect(r.status).to.equal(200);
    expect(sortedKeys(r.body)).to.deep.equal(
      ["access_token", "client_info", "expires_in", "ext_expires_in", "id_token", "scope", "token_type"].sort(),
    );
    expect([r.body["token_type"], r.body["scope"]]).to.deep.equal(["Bearer", "openid profile email"]);
    const id = decodeJwt(r.body["id_token"] as string);
    const info = JSON.parse(Buffer.from(r.body["client_info"] as string, "base64url").toString()) as Json;
    expect(info).to.deep.equal({ uid: id["oid"], utid: sim.controls.tenant("contoso.com").tenantId });
    const access = decodeJwt(r.body["access_token"] as string);
    expect([access["idtyp"], access["aud"], access["roles"]]).to.deep.equal([
      "user",
      "https://graph.microsoft.com",
      [],
    ]);
    expect(sim.controls.stats().codesRedeemed).to.equal(1);
    expect(sim.controls.stats().byRoute["login.token.code"]).to.equal(1);
  });

  it("redeems a code once: the second redemption gets invalid_grant AADSTS54005", async () => {
    const a = await authorizeRequest(sim, "contoso.com");
    expect((await redeem(sim, a.params["code"]!)).status).to.equal(200);
    const again = await redeem(sim, a.params["code"]!);
    expect([again.status, again.body["error"], again.body["error_codes"]]).to.deep.equal([
      400,
      "invalid_grant",
      [54005],
    ]);
    expect(sim.controls.stats().codesRedeemed).to.equal(1);
  });

  it("refuses an expired, unknown, misdirected or other-tenant code, and a wrong secret, without spending it", async () => {
    const code = async () => (await authorizeRequest(sim, "contoso.com")).params["code"]!;
    const c = await code();
    const refusals: [Promise<{ status: number; body: Json }>, number, string, number][] = [
      [redeem(sim, c, { client_secret: "wrong" }), 401, "invalid_client", 7000215],
      [redeem(sim, "1.Amadeup"), 400, "invalid_grant", 70000],
      [redeem(sim, c, { redirect_uri: "https://connector.example.com/other" }), 400, "invalid_grant", 500112],
      [redeem(sim, c, {}, "fabrikam.com"), 400, "invalid_grant", 700005],
      [redeem(sim, c, {}, "contoso.com", "usgov"), 400, "invalid_tenant", 90002],
    ];
    for (const [p, status, error, n] of refusals) {
      const r = await p;
      expect([r.status, r.body["error"], r.body["error_codes"]]).to.deep.equal([status, error, [n]]);
    }
    expect((await redeem(sim, c, {}, "contoso.com")).status).to.equal(200);
    const late = await code();
    clock += CODE_TTL_MS + 1000;
    expect((await redeem(sim, late)).body["error_codes"]).to.deep.equal([70008]);
  });

  it("authenticates the client with client_secret_basic or a certificate assertion, as for client credentials", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const thumbprint = createHash("sha1").update(randomUUID()).digest("hex");
    await sim.close();
    sim = await startSim(FLEET, {
      consented: "none",
      now: () => clock,
      app: { certificate: { thumbprint, publicKeyPem: await exportSPKI(publicKey) } },
    });
    const basic = `Basic ${Buffer.from(`${sim.app.clientId}:${sim.app.clientSecret}`).toString("base64")}`;
    const a = await authorizeRequest(sim, "contoso.com");
    const form = { grant_type: "authorization_code", code: a.params["code"]!, redirect_uri: REDIRECT };
    const r = await fetch(`${sim.loginUrl}/global/organizations/oauth2/v2.0/token`, {
      method: "POST",
      headers: { authorization: basic },
      body: new URLSearchParams(form),
    });
    expect(r.status).to.equal(200);
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: "RS256", x5t: Buffer.from(thumbprint, "hex").toString("base64url") })
      .setIssuer(sim.app.clientId)
      .setSubject(sim.app.clientId)
      .setAudience(`${sim.loginUrl}/global/organizations/oauth2/v2.0/token`)
      .setIssuedAt(Math.floor(clock / 1000))
      .setExpirationTime(Math.floor(clock / 1000) + 600)
      .sign(privateKey);
    const b = await authorizeRequest(sim, "contoso.com");
    const viaCert = await redeem(sim, b.params["code"]!, {
      client_secret: undefined,
      client_assertion: assertion,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    });
    expect(viaCert.status).to.equal(200);
    expect(decodeJwt(viaCert.body["access_token"] as string)["appidacr"]).to.equal("2");
  });

  it("checks PKCE: a wrong verifier gets AADSTS50148, none AADSTS501481, the right one a token", async () => {
    const { verifier, challenge } = pkcePair();
    const a = await authorizeRequest(sim, "contoso.com", { code_challenge: challenge, code_challenge_method: "S256" });
    const wrong = await redeem(sim, a.params["code"]!, { code_verifier: pkcePair().verifier });
    expect([wrong.body["error"], wrong.body["error_codes"]]).to.deep.equal(["invalid_grant", [50148]]);
    expect(wrong.body["error_description"]).to.match(
      /^AADSTS50148: The code_verifier does not match the code_challenge supplied in the authorization request for PKCE\./,
    );
    expect((await redeem(sim, a.params["code"]!)).body["error_codes"]).to.deep.equal([501481]);
    expect((await redeem(sim, a.params["code"]!, { code_verifier: verifier })).status).to.equal(200);
  });

  it("signs in a non-admin with only the member role in wids, and an admin with Global Administrator", async () => {
    const widsOf = async () => decodeJwt((await signInAndRedeem(sim, "contoso.com"))["id_token"] as string)["wids"];
    expect(await widsOf()).to.deep.equal(ADMIN_WIDS);
    sim.controls.signIn({ tenant: "contoso.com", admin: false });
    expect(await widsOf()).to.deep.equal([DIRECTORY_ROLES.member]);
    sim.controls.signIn({ tenant: "contoso.com", wids: [DIRECTORY_ROLES.applicationAdministrator] });
    expect(await widsOf()).to.deep.equal([DIRECTORY_ROLES.applicationAdministrator]);
  });

  it("signs a user in to their own tenant at /organizations: the ID token carries their tid and issuer", async () => {
    sim.controls.signIn({ tenant: "fabrikam.com", upn: "jane@fabrikam.com", name: "Jane" });
    const body = await signInAndRedeem(sim, "organizations");
    const id = decodeJwt(body["id_token"] as string);
    const fabrikam = sim.controls.tenant("fabrikam.com").tenantId;
    expect([id["tid"], id["iss"], id["preferred_username"], id["name"]]).to.deep.equal([
      fabrikam,
      `${sim.loginUrl}/global/${fabrikam}/v2.0`,
      "jane@fabrikam.com",
      "Jane",
    ]);
    // The object id is stable per (tenant, user); the subject is pairwise.
    const again = decodeJwt((await signInAndRedeem(sim, "organizations"))["id_token"] as string);
    expect([again["oid"], again["sub"]]).to.deep.equal([id["oid"], id["sub"]]);
    expect(id["sub"]).to.not.equal(id["oid"]);
  });
});

describe("Microsoft simulator: ID tokens and signing keys", () => {
  let sim: MicrosoftSimulator;
  before(async () => (sim = await startSim(FLEET, { consented: "none" })));
  after(() => sim.close());
  afterEach(() => sim.controls.tamperIdTokens(null));

  /** What a connector checks, in the order it would: signature (pinned RS256), iss, aud, exp, then nonce and tid. */
  async function verify(tenant: string, idToken: string, nonce = "n0nce"): Promise<JWTPayload> {
    const r = await fetch(`${sim.loginUrl}/global/${tenant}/v2.0/.well-known/openid-configuration`);
    const discovery = (await r.json()) as Json;
    const jwks = createRemoteJWKSet(new URL(discovery["jwks_uri"] as string));
    const { payload } = await jwtVerify(idToken, jwks, {
      algorithms: ["RS256"],
      issuer: discovery["issuer"] as string,
      audience: sim.app.clientId,
    });
    if (payload["nonce"] !== nonce) throw new Error("nonce mismatch");
    if (payload["tid"] !== sim.controls.tenant(tenant).tenantId) throw new Error("tid mismatch");
    return payload;
  }

  it("publishes the signing key as Microsoft's JWKS, and the ID token verifies with jose against it", async () => {
    const tid = sim.controls.tenant("contoso.com").tenantId;
    const keys = (await (await fetch(`${sim.loginUrl}/global/${tid}/discovery/v2.0/keys`)).json()) as Json;
    expect(keys["keys"]).to.have.length(1);
    const key = keys["keys"][0] as Json;
    expect(sortedKeys(key)).to.deep.equal(["e", "issuer", "kid", "kty", "n", "use", "x5t"]);
    expect([key["kty"], key["use"], key["issuer"]]).to.deep.equal(["RSA", "sig", `${sim.loginUrl}/global/${tid}/v2.0`]);
    const idToken = (await signInAndRedeem(sim, "contoso.com"))["id_token"] as string;
    expect(decodeProtectedHeader(idToken)).to.deep.equal({ typ: "JWT", alg: "RS256", kid: key["kid"] });
    const c = await verify("contoso.com", idToken);
    expect(sortedKeys(c)).to.deep.equal(
      [
        "aud",
        "email",
        "exp",
        "iat",
        "iss",
        "name",
        "nbf",
        "nonce",
        "oid",
        "preferred_username",
        "rh",
        "sub",
        "tid",
        "uti",
        "ver",
        "wids",
      ].sort(),
    );
    expect([c["ver"], c["exp"]! - c["iat"]!, c["preferred_username"]]).to.deep.equal([
      "2.0",
      3600,
      "admin@contoso.com",
    ]);
  });

  const refused: Record<IdTokenTamper, RegExp> = {
    aud: /unexpected "aud" claim value/,
    iss: /unexpected "iss" claim value/,
    nonce: /nonce mismatch/,
    signature: /signature verification failed/,
    expired: /"exp" claim timestamp check failed/,
    "alg-none": /"alg" \(Algorithm\) Header Parameter value not allowed/,
    tid: /tid mismatch/,
  };
  for (const kind of ID_TOKEN_TAMPERS) {
    it(`spoils the next ID tokens with tamper "${kind}" until reset, and a verifier refuses them`, async () => {
      sim.controls.tamperIdTokens(kind);
      for (let i = 0; i < 2; i++) {
        const idToken = (await signInAndRedeem(sim, "contoso.com"))["id_token"] as string;
        const err = await verify("contoso.com", idToken).then(
          () => null,
          (e: Error) => e,
        );
        expect(String(err?.message)).to.match(refused[kind]);
      }
      sim.controls.tamperIdTokens(null);
      await verify("contoso.com", (await signInAndRedeem(sim, "contoso.com"))["id_token"] as string);
    });
  }

  it("answers the keys of an unknown tenant with AADSTS90002, and the /organizations keys with the {tenantid} issuer", async () => {
    const unknown = await fetch(`${sim.loginUrl}/global/nobody.example/discovery/v2.0/keys`);
    expect(unknown.status).to.equal(400);
    const orgs = (await (await fetch(`${sim.loginUrl}/global/organizations/discovery/v2.0/keys`)).json()) as Json;
    expect(orgs["keys"][0]["issuer"]).to.equal(`${sim.loginUrl}/global/{tenantid}/v2.0`);
  });
});
