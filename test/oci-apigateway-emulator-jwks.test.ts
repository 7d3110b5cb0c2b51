// The API Gateway data plane holds a remote JWKS to OCI's rules: at most ten keys, RSA keys of 2048 to
// 4096 bits only (use sig / key_ops verify / alg RS256|RS384|RS512 when present), tokens signed RS256,
// RS384 or RS512 and naming their key by kid; and the control plane bounds maxClockSkewInSeconds.
// Each rule is shown refusing and its neighbour accepting, against a JWKS served over HTTPS.
import assert from "node:assert/strict";
import { createPrivateKey, createSign, generateKeyPairSync } from "node:crypto";
import { createServer } from "node:https";
import { after, before, describe, test } from "node:test";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { closeServer, listenOnLoopback } from "./emulators/http/loopback-server.ts";
import { type ApiKeyIdentity, apiGatewayClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import type { Tenancy } from "./emulators/oci/state.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

const AUDIENCE = "api://fngate";
const ISSUER = "https://issuer.example.test/";

describe("OCI emulator: API Gateway remote JWKS rules", () => {
  let stack: EmulatorStack;
  let tenancy: Tenancy;
  let me: ApiKeyIdentity;
  let gatewayId: string;
  let jwksUrl: string;
  let served: { keys: JWK[] } = { keys: [] };
  let closeJwks: () => Promise<void>;
  let prefix = 0;

  /** A fresh deployment (and so a fresh JWKS cache entry: each test serves its own set at its own path). */
  async function deploy(path: string, skew = 0): Promise<string> {
    const { deployment } = apiGatewayClients(stack.endpoints.oci, me);
    const created = await deployment.createDeployment({
      createDeploymentDetails: {
        gatewayId,
        compartmentId: tenancy.id,
        pathPrefix: `/t${++prefix}`,
        specification: {
          requestPolicies: {
            authentication: {
              type: "TOKEN_AUTHENTICATION",
              tokenHeader: "Authorization",
              tokenAuthScheme: "Bearer",
              maxClockSkewInSeconds: skew,
              validationPolicy: {
                type: "REMOTE_JWKS",
                uri: `${jwksUrl}/${path}`,
                additionalValidationPolicy: { issuers: [ISSUER], audiences: [AUDIENCE] },
              },
            } as never,
          },
          routes: [
            {
              path: "/",
              backend: { type: "STOCK_RESPONSE_BACKEND", status: 200, body: "ok" } as never,
            },
          ],
        },
      },
    });
    return (await deployment.getDeployment({ deploymentId: created.deployment.id })).deployment.endpoint;
  }

  async function call(endpoint: string, token: string): Promise<{ status: number; reason: string }> {
    const response = await fetch(`${endpoint}/`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    return {
      status: response.status,
      reason: stack.gateway.requests.at(-1)?.authFailure ?? "",
    };
  }

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

  before(async () => {
    stack = await startEmulatorStack({
      apiGateway: { workRequestAcceptedMs: 0, workRequestInProgressMs: 0, propagationDelayMs: 0 },
    });
    trustCaInProcess(stack.caPem);
    ({ tenancy, me } = seedApiKeyCaller(stack.oci.state, "acme"));
    gatewayId = stack.oci.state.createGateway({ compartmentId: tenancy.id }).id;
    const server = createServer({ key: stack.tls.keyPem, cert: stack.tls.certPem }, (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(served));
    });
    jwksUrl = `https://127.0.0.1:${await listenOnLoopback(server)}`;
    closeJwks = () => closeServer(server);
  });

  after(async () => {
    await closeJwks?.();
    await stack?.close();
  });

  test("a JWKS of ten keys is used; one of eleven is refused whole, so even a good token is a 401", async () => {
    const signer = await rsaKey("signer");
    const spares = await Promise.all(Array.from({ length: 10 }, (_, n) => rsaKey(`spare-${n}`)));
    served = { keys: [signer.jwk, ...spares.slice(0, 9).map((key) => key.jwk)] };
    assert.equal((await call(await deploy("ten"), await signer.sign())).status, 200);
    served = { keys: [signer.jwk, ...spares.map((key) => key.jwk)] };
    const refused = await call(await deploy("eleven"), await signer.sign());
    assert.equal(refused.status, 401);
    assert.match(refused.reason, /has 11 keys; OCI accepts at most 10/);
  });

  test("only RSA keys sign: an EC key and a PS256 signature are refused, RS384 and RS512 pass", async () => {
    const ec = await rsaKey("ec", {}, "ES256");
    const rs384 = await rsaKey("rs384", {}, "RS384");
    const rs512 = await rsaKey("rs512", {}, "RS512");
    const pss = await rsaKey("pss", {}, "PS256");
    served = { keys: [ec.jwk, rs384.jwk, rs512.jwk, pss.jwk] };
    const endpoint = await deploy("types");
    assert.match((await call(endpoint, await ec.sign())).reason, /alg ES256 is not one of RS256/);
    assert.match((await call(endpoint, await pss.sign())).reason, /alg PS256 is not one of RS256/);
    assert.equal((await call(endpoint, await rs384.sign())).status, 200);
    assert.equal((await call(endpoint, await rs512.sign())).status, 200);
  });

  test("a key marked for encryption, without verify, with another alg, or without kid is not used", async () => {
    const enc = await rsaKey("enc", { use: "enc" });
    const ops = await rsaKey("ops", { key_ops: ["encrypt"] });
    const alg = await rsaKey("alg", { alg: "PS256" });
    const fine = await rsaKey("fine", { use: "sig", key_ops: ["verify"], alg: "RS256" });
    const nameless = await rsaKey("nameless");
    const { kid: _kid, ...withoutKid } = nameless.jwk;
    served = { keys: [enc.jwk, ops.jwk, alg.jwk, fine.jwk, withoutKid] };
    const endpoint = await deploy("params");
    for (const key of [enc, ops, alg, nameless]) {
      const refused = await call(endpoint, await key.sign());
      assert.equal(refused.status, 401);
      assert.match(refused.reason, /ERR_JWKS_NO_MATCHING_KEY/);
    }
    assert.equal((await call(endpoint, await fine.sign())).status, 200);
    const noKid = await call(endpoint, await fine.sign({ kid: undefined }));
    assert.match(noKid.reason, /the token header has no kid/);
  });

  test("a key under 2048 bits is not used", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const jwk = { ...(await exportJWK(publicKey)), kid: "short", use: "sig" };
    served = { keys: [jwk] };
    // jose refuses to sign with a short key, so the token is signed by hand.
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const input = `${encode({ alg: "RS256", kid: "short" })}.${encode({ aud: AUDIENCE, iss: ISSUER, exp: now + 600 })}`;
    const signature = createSign("RSA-SHA256")
      .update(input)
      .sign(createPrivateKey(privateKey.export({ type: "pkcs8", format: "pem" })));
    const refused = await call(await deploy("short"), `${input}.${signature.toString("base64url")}`);
    assert.equal(refused.status, 401);
    assert.match(refused.reason, /ERR_JWKS_NO_MATCHING_KEY/);
  });

  test("maxClockSkewInSeconds is bounded as OCI documents: 120 is accepted, 121 is a 400", async () => {
    await deploy("skew-ok", 120);
    await assert.rejects(deploy("skew-over", 121), (error: { statusCode?: number; message?: string }) => {
      assert.equal(error.statusCode, 400);
      assert.match(error.message ?? "", /maxClockSkewInSeconds must be between 0 and 120, got 121/);
      return true;
    });
  });
});
