// The API Gateway data plane holds TOKEN_AUTHENTICATION to OCI's rules beyond signature, issuer and
// audience. A remote JWKS: at most ten keys, RSA keys of 2048 to 4096 bits only (use sig / key_ops
// verify / alg RS256|RS384|RS512 when present), tokens signed RS256, RS384 or RS512 naming their key
// by kid, and an HS256 token signed with the issuer's public key refused. verifyClaims: present with
// one of the acceptable values; presence only when values is empty; matched only when present when
// isRequired is false; an array claim passes when it holds an acceptable value. exp is checked against
// maxClockSkewInSeconds, which the control plane bounds at OCI's 120 s. Each rule is shown refusing
// and its neighbour accepting, against JWKS served over HTTPS.
import assert from "node:assert/strict";
import {
  createPrivateKey,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  type JsonWebKey,
} from "node:crypto";
import { createServer } from "node:https";
import { after, before, describe, test } from "node:test";
import { CompactSign, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { startTestIssuer, type TestIssuer } from "./emulators/gateway/test-issuer.ts";
import { closeServer, listenOnLoopback } from "./emulators/http/loopback-server.ts";
import {
  createDeployment,
  INSTANT_GATEWAY,
  type OciSdkWorld,
  startOciSdkWorld,
  tokenAuthentication,
} from "./support/oci-sdk-world.ts";

const AUDIENCE = "api://fngate";
const ISSUER = "https://issuer.example.test/";

let w: OciSdkWorld;
let issuer: TestIssuer;
let gatewayId: string;
let jwksUrl: string;
let served: { keys: JWK[] } = { keys: [] };
let closeJwks: () => Promise<void>;
let prefix = 0;

before(async () => {
  w = await startOciSdkWorld({ apiGateway: INSTANT_GATEWAY });
  issuer = await startTestIssuer(w.stack.tls);
  gatewayId = w.stack.oci.state.apigw.createGateway({ compartmentId: w.tenancy.id }).id;
  const server = createServer({ key: w.stack.tls.keyPem, cert: w.stack.tls.certPem }, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(served));
  });
  jwksUrl = `https://127.0.0.1:${await listenOnLoopback(server)}`;
  closeJwks = () => closeServer(server);
});
after(async () => {
  await closeJwks?.();
  await issuer?.close();
  await w?.close();
});

/** A fresh deployment (and so a fresh JWKS cache entry); a call with a token answers status and reason. */
async function deploy(options: Omit<Parameters<typeof tokenAuthentication>[0], "audiences">, skew = 0) {
  const authentication = tokenAuthentication({
    ...options,
    audiences: [AUDIENCE],
    extra: { maxClockSkewInSeconds: skew },
  });
  const specification = {
    requestPolicies: { authentication },
    routes: [{ path: "/", backend: { type: "STOCK_RESPONSE_BACKEND", status: 200, body: "ok" } }],
  };
  const got = await createDeployment(w, {
    gatewayId,
    compartmentId: w.tenancy.id,
    pathPrefix: `/t${++prefix}`,
    specification,
  });
  return async (token: string) => {
    const response = await fetch(`${got.deployment.endpoint}/`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await response.arrayBuffer();
    return { status: response.status, reason: w.stack.gateway.requests.at(-1)?.authFailure ?? "" };
  };
}

describe("OCI emulator: API Gateway remote JWKS rules", () => {
  /** A deployment whose JWKS is what `served` holds when the gateway first fetches it. */
  const deployServed = (path: string, skew = 0) =>
    deploy({ jwksUri: `${jwksUrl}/${path}`, issuers: [ISSUER] }, skew);

  async function rsaKey(kid: string, extra: Partial<JWK> = {}, alg = "RS256") {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, ...extra };
    const sign = (header: Record<string, unknown> = {}) =>
      new SignJWT({ aud: AUDIENCE, iss: ISSUER })
        .setProtectedHeader({ alg, kid, ...header })
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(privateKey);
    return { jwk, sign };
  }

  test("a JWKS of ten keys is used; one of eleven is refused whole, so even a good token is a 401", async () => {
    const [signer, spare] = await Promise.all([rsaKey("signer"), rsaKey("spare")]);
    // The limit counts entries: one spare key under ten kids is ten keys, and saves ten key generations.
    const spares = Array.from({ length: 10 }, (_, n) => ({ ...spare.jwk, kid: `spare-${n}` }));
    served = { keys: [signer.jwk, ...spares.slice(0, 9)] };
    assert.equal((await (await deployServed("ten"))(await signer.sign())).status, 200);
    served = { keys: [signer.jwk, ...spares] };
    const refused = await (await deployServed("eleven"))(await signer.sign());
    assert.equal(refused.status, 401);
    assert.match(refused.reason, /has 11 keys; OCI accepts at most 10/);
  });

  test("only RSA keys sign: an EC key and a PS256 signature are refused, RS384 and RS512 pass", async () => {
    const [ec, rs384, rs512, pss] = await Promise.all([
      rsaKey("ec", {}, "ES256"),
      rsaKey("rs384", {}, "RS384"),
      rsaKey("rs512", {}, "RS512"),
      rsaKey("pss", {}, "PS256"),
    ]);
    served = { keys: [ec.jwk, rs384.jwk, rs512.jwk, pss.jwk] };
    const call = await deployServed("types");
    assert.match((await call(await ec.sign())).reason, /alg ES256 is not one of RS256/);
    assert.match((await call(await pss.sign())).reason, /alg PS256 is not one of RS256/);
    assert.equal((await call(await rs384.sign())).status, 200);
    assert.equal((await call(await rs512.sign())).status, 200);
  });

  test("a key marked for encryption, without verify, with another alg, or without kid is not used", async () => {
    const [enc, ops, alg, fine, nameless] = await Promise.all([
      rsaKey("enc", { use: "enc" }),
      rsaKey("ops", { key_ops: ["encrypt"] }),
      rsaKey("alg", { alg: "PS256" }),
      rsaKey("fine", { use: "sig", key_ops: ["verify"], alg: "RS256" }),
      rsaKey("nameless"),
    ]);
    const { kid: _kid, ...withoutKid } = nameless.jwk;
    served = { keys: [enc.jwk, ops.jwk, alg.jwk, fine.jwk, withoutKid] };
    const call = await deployServed("params");
    for (const key of [enc, ops, alg, nameless]) {
      const refused = await call(await key.sign());
      assert.equal(refused.status, 401);
      assert.match(refused.reason, /ERR_JWKS_NO_MATCHING_KEY/);
    }
    assert.equal((await call(await fine.sign())).status, 200);
    assert.match((await call(await fine.sign({ kid: undefined }))).reason, /the token header has no kid/);
  });

  test("a key under 2048 bits is not used", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    served = { keys: [{ ...(await exportJWK(publicKey)), kid: "short", use: "sig" }] };
    // jose refuses to sign with a short key, so the token is signed by hand.
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const exp = Math.floor(Date.now() / 1000) + 600;
    const input = `${encode({ alg: "RS256", kid: "short" })}.${encode({ aud: AUDIENCE, iss: ISSUER, exp })}`;
    const signature = createSign("RSA-SHA256")
      .update(input)
      .sign(createPrivateKey(privateKey.export({ type: "pkcs8", format: "pem" })));
    const refused = await (await deployServed("short"))(`${input}.${signature.toString("base64url")}`);
    assert.equal(refused.status, 401);
    assert.match(refused.reason, /ERR_JWKS_NO_MATCHING_KEY/);
  });
});

describe("OCI emulator: API Gateway required claims and expiry", () => {
  const mint = (claims: Record<string, unknown> = {}, ageSeconds = 0, lifetimeSeconds?: number) =>
    issuer.mint(
      { aud: AUDIENCE, ...claims },
      {
        now: new Date(Date.now() - ageSeconds * 1000),
        ...(lifetimeSeconds === undefined ? {} : { lifetimeSeconds }),
      },
    );
  const deployIssuer = async (verifyClaims?: unknown[], skew = 0) => {
    const call = await deploy(
      { jwksUri: issuer.jwksUri, issuers: [issuer.issuer], ...(verifyClaims ? { verifyClaims } : {}) },
      skew,
    );
    return async (token: string) => (await call(token)).status;
  };

  test("a required claim with values: one of them must be there; an array claim holding one passes", async () => {
    const call = await deployIssuer([{ key: "roles", values: ["Api.Invoke"], isRequired: true }]);
    assert.equal(await call(await mint({ roles: ["Api.Read", "Api.Invoke"] })), 200);
    assert.equal(await call(await mint({ roles: "Api.Invoke" })), 200, "a single string value");
    assert.equal(await call(await mint({ roles: ["Api.Read"] })), 401, "the role is missing");
    assert.equal(await call(await mint({ roles: ["api.invoke"] })), 401, "values are case-sensitive");
    assert.equal(
      await call(await mint({ roles: [{ value: "Api.Invoke" }] })),
      401,
      "an object never matches",
    );
    assert.equal(await call(await mint()), 401, "no roles claim at all");
  });

  test("values empty and isRequired true: presence only; isRequired false: checked only when present", async () => {
    const call = await deployIssuer([
      { key: "tid", isRequired: true },
      { key: "azp", values: ["client-a", "client-b"], isRequired: false },
    ]);
    assert.equal(await call(await mint({ tid: "t1" })), 200, "azp absent: not checked");
    assert.equal(await call(await mint({ tid: "t1", azp: "client-b" })), 200);
    assert.equal(
      await call(await mint({ tid: "t1", azp: "client-c" })),
      401,
      "azp present with another value",
    );
    assert.equal(await call(await mint({ azp: "client-a" })), 401, "tid is required");
  });

  test("maxClockSkewInSeconds is bounded as OCI documents (120 is accepted, 121 is a 400); exp is checked against it", async () => {
    await assert.rejects(deployIssuer(undefined, 121), (error: { statusCode?: number; message?: string }) => {
      assert.equal(error.statusCode, 400);
      assert.match(String(error.message), /maxClockSkewInSeconds must be between 0 and 120, got 121/);
      return true;
    });
    const lenient = await deployIssuer(undefined, 120);
    const strict = await deployIssuer(undefined, 0);
    const expired100sAgo = await mint({}, 700, 600);
    assert.equal(await lenient(expired100sAgo), 200, "within the allowance");
    assert.equal(await strict(expired100sAgo), 401);
    const expired200sAgo = await mint({}, 800, 600);
    assert.equal(await lenient(expired200sAgo), 401, "beyond the largest allowance OCI has");
  });

  test("an HS256 token signed with the issuer's public key (key confusion) is refused", async () => {
    const call = await deploy({ jwksUri: issuer.jwksUri, issuers: [issuer.issuer] });
    const good = await mint();
    const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: (JsonWebKey & { kid: string })[] };
    const jwk = jwks.keys[0];
    assert.ok(jwk);
    const pem = String(createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "pem" }));
    const forged = await new CompactSign(Buffer.from(good.split(".")[1] ?? "", "base64url"))
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: jwk.kid })
      .sign(new TextEncoder().encode(pem));
    assert.equal((await call(good)).status, 200);
    const refused = await call(forged);
    assert.equal(refused.status, 401);
    assert.match(refused.reason, /ERR_JOSE_ALG_NOT_ALLOWED/);
  });
});
