// The API Gateway data plane: deployments created through the real DeploymentClient are served
// at their `endpoint` by plain fetch, and the TOKEN_AUTHENTICATION / JWT_AUTHENTICATION policy is
// enforced with jose against a JWKS served over HTTPS by an in-test issuer. Every way a token can
// be wrong is a 401; a spec update reaches the data plane only after the propagation delay.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestIssuer, type TestIssuer } from "./emulators/gateway/test-issuer.ts";
import { sendRaw } from "./emulators/http/raw-request.ts";
import { apiGatewayClients } from "./emulators/oci/sdk-clients.ts";
import {
  createDeployment,
  INSTANT_GATEWAY,
  type OciSdkWorld,
  startOciSdkWorld,
  tokenAuthentication,
} from "./support/oci-sdk-world.ts";

const AUDIENCE = "api://fngate";
const HELLO = JSON.stringify({ message: "Hello World" });
const anonymous = { authorization: { type: "ANONYMOUS" } };

function stock(body: string) {
  const headers = [{ name: "Content-Type", value: "application/json" }];
  return { type: "STOCK_RESPONSE_BACKEND", status: 200, body, headers };
}

describe("OCI emulator: API Gateway data plane", () => {
  let w: OciSdkWorld;
  let issuer: TestIssuer;
  let gatewayId: string;
  let endpoint: string;
  let deploymentId: string;
  let clockOffsetMs = 0;
  const mint = (claims: Record<string, unknown> = {}, lifetimeSeconds?: number) =>
    issuer.mint(
      { aud: AUDIENCE, ...claims },
      {
        now: new Date(Date.now() + clockOffsetMs),
        ...(lifetimeSeconds === undefined ? {} : { lifetimeSeconds }),
      },
    );
  const get = (path: string, token?: string, base = endpoint) =>
    fetch(`${base}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

  function spec(helloBody = HELLO) {
    const authentication = tokenAuthentication({
      jwksUri: issuer.jwksUri,
      issuers: [issuer.issuer],
      audiences: [AUDIENCE],
      extra: { isAnonymousAccessAllowed: true, maxClockSkewInSeconds: 30 },
      validationExtra: { maxCacheDurationInHours: 1 },
    });
    const scoped = { authorization: { type: "ANY_OF", allowedScope: ["fngate.admin"] } };
    const proxy = {
      type: "HTTP_BACKEND",
      url: `${issuer.jwksUri.replace(/\/keys$/, "")}/\${request.path[file]}`,
    };
    return {
      requestPolicies: { authentication },
      routes: [
        { path: "/hello", methods: ["GET", "POST"], backend: stock(helloBody) },
        { path: "/public", requestPolicies: anonymous, backend: stock('"public"') },
        { path: "/admin/{item}", requestPolicies: scoped, backend: stock('"admin"') },
        { path: "/proxy/{file}", requestPolicies: anonymous, backend: proxy },
      ],
    };
  }

  async function deploy(pathPrefix: string, specification: unknown) {
    const details = { gatewayId, compartmentId: w.tenancy.id, pathPrefix, specification };
    const got = await createDeployment(w, details);
    assert.equal(got.deployment.lifecycleState, "ACTIVE", "no work request delay in these tests");
    return got;
  }

  before(async () => {
    w = await startOciSdkWorld({ apiGateway: INSTANT_GATEWAY });
    issuer = await startTestIssuer(w.stack.tls);
    gatewayId = w.stack.oci.state.apigw.createGateway({ compartmentId: w.tenancy.id }).id;
    const got = await deploy("/v1", spec());
    endpoint = got.deployment.endpoint;
    deploymentId = got.deployment.id;
  });
  after(async () => {
    await issuer?.close();
    await w?.close();
  });

  test("a valid token reaches the backend; the JWKS is fetched over HTTPS once and cached", async () => {
    const token = await mint();
    const response = await get("/hello", token);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.deepEqual(await response.json(), { message: "Hello World" });
    const fetches = issuer.jwksFetches;
    assert.ok(fetches >= 1);
    assert.equal((await get("/hello", await mint())).status, 200);
    assert.equal(issuer.jwksFetches, fetches, "served from the cache");
  });

  test("no token is a 401 with a Bearer challenge and OCI's error body", async () => {
    const response = await get("/hello");
    assert.equal(response.status, 401);
    assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer realm="/);
    assert.deepEqual(await response.json(), { code: 401, message: "Unauthorized" });
    // Another scheme than Bearer (401): r5-auth-negatives.test.ts "wrong scheme -> 401".
  });

  test("malformed, tampered, alg none, wrong issuer, wrong audience and expired tokens are 401", async () => {
    const good = await mint();
    const [header, payload, signature] = good.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "admin" })).toString("base64url");
    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const flipped = `${signature?.slice(0, -2)}${signature?.endsWith("AA") ? "BB" : "AA"}`;
    // Each case must fail for its own reason (the data plane logs jose's error code), not by accident.
    const cases: Array<[string, string, RegExp]> = [
      ["malformed", "not-a-jwt", /ERR_JWS_INVALID/],
      ["tampered payload", `${header}.${forged}.${signature}`, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/],
      ["tampered signature", `${header}.${payload}.${flipped}`, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/],
      ["alg none", `${none}.${payload}.`, /ERR_JOSE_ALG_NOT_ALLOWED/],
      ["wrong issuer", await mint({ iss: "https://evil.example.test/v2.0" }), /"iss"/],
      ["wrong audience", await mint({ aud: "api://other" }), /"aud"/],
      ["expired beyond the skew", await mint({}, -60), /ERR_JWT_EXPIRED/],
    ];
    for (const [name, token, reason] of cases) {
      const response = await get("/hello", token);
      assert.equal(response.status, 401, name);
      assert.match(response.headers.get("www-authenticate") ?? "", /error="invalid_token"/, name);
      assert.match(w.stack.gateway.requests.at(-1)?.authFailure ?? "", reason, name);
    }
    assert.equal(
      (await get("/hello", await mint({}, -10))).status,
      200,
      "expired within maxClockSkewInSeconds",
    );
  });

  test("route authorization: ANONYMOUS needs no token, ANY_OF needs a listed scope (403 otherwise)", async () => {
    assert.equal((await get("/public")).status, 200);
    assert.equal((await get("/admin/1")).status, 401);
    assert.equal((await get("/admin/1", await mint({ scope: "fngate.read" }))).status, 403);
    assert.equal(
      (await get("/admin/1", await mint({ scp: "fngate.admin" }))).status,
      403,
      "ANY_OF reads scope, not scp",
    );
    assert.equal((await get("/admin/1", await mint({ scope: "fngate.read fngate.admin" }))).status, 200);
  });

  test("an HTTP_BACKEND route forwards to its URL with path parameters substituted", async () => {
    const response = await get("/proxy/keys");
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { keys: unknown[] }).keys.length, 1);
    assert.equal((await get("/proxy/nothing")).status, 404, "the backend's own 404 passes through");
  });

  test("unknown paths, methods and gateways are 404", async () => {
    const token = await mint();
    assert.equal((await get("/nope", token)).status, 404);
    assert.equal((await fetch(`${endpoint}/hello`, { method: "DELETE" })).status, 404);
    assert.equal((await get("/v1/hello", token, `${w.stack.gateway.url}/nosuchgateway`)).status, 404);
  });

  test("data-plane faults answer in the gateway's own error shape", async () => {
    w.stack.oci.faults.next(1, { status: 503 }, { plane: "data", operations: ["GatewayRequest"] });
    const failed = await get("/hello", await mint());
    assert.equal(failed.status, 503);
    assert.equal(((await failed.json()) as { code?: number }).code, 503);
    assert.equal((await get("/hello", await mint())).status, 200, "one fault only");
  });

  test("a client that resolves the gateway hostname is routed by the Host header", async () => {
    const hostname = w.stack.oci.state.apigw.gateways.get(gatewayId)?.hostname ?? "";
    const response = await sendRaw(`${w.stack.gateway.url}/v1/hello`, "GET", {
      host: hostname,
      authorization: `Bearer ${await mint()}`,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { message: "Hello World" });
  });

  test("the legacy JWT_AUTHENTICATION policy with a query-parameter token", async () => {
    const legacy = await deploy("/legacy", {
      requestPolicies: {
        authentication: {
          type: "JWT_AUTHENTICATION",
          tokenQueryParam: "access_token",
          issuers: [issuer.issuer],
          audiences: [AUDIENCE],
          publicKeys: { type: "REMOTE_JWKS", uri: issuer.jwksUri },
          // How an Entra app-only token is authorized: its app roles arrive in the `roles` array.
          verifyClaims: [
            { key: "tid", values: ["tenant-1"], isRequired: true },
            { key: "roles", values: ["Invoke"], isRequired: true },
          ],
        },
      },
      routes: [{ path: "/hello", backend: stock(HELLO) }],
    });
    const url = `${legacy.deployment.endpoint}/hello`;
    const roles = ["Reader", "Invoke"];
    assert.equal((await fetch(`${url}?access_token=${await mint({ tid: "tenant-1", roles })}`)).status, 200);
    assert.equal((await fetch(`${url}?access_token=${await mint({ tid: "tenant-2", roles })}`)).status, 401);
    const reader = await mint({ tid: "tenant-1", roles: ["Reader"] });
    assert.equal((await fetch(`${url}?access_token=${reader}`)).status, 401, "roles lacks Invoke");
    assert.equal((await fetch(`${url}?access_token=${await mint()}`)).status, 401, "required claim missing");
    assert.equal((await fetch(url)).status, 401);
  });

  test("an update is served only after the propagation delay; until then the old spec applies", async () => {
    const { deployment } = apiGatewayClients(w.url, w.me);
    w.stack.oci.state.apigw.timings.propagationDelayMs = 60_000;
    try {
      const current = await deployment.getDeployment({ deploymentId });
      await deployment.updateDeployment({
        deploymentId,
        updateDeploymentDetails: { specification: spec(JSON.stringify({ message: "v2" })) as never },
        ifMatch: current.etag,
      });
      const after = await deployment.getDeployment({ deploymentId });
      assert.equal(after.deployment.lifecycleState, "ACTIVE", "the work request is done");
      assert.deepEqual(await (await get("/hello", await mint())).json(), { message: "Hello World" });
      clockOffsetMs += 60_000;
      w.later(60_000);
      assert.deepEqual(await (await get("/hello", await mint())).json(), { message: "v2" });
    } finally {
      w.stack.oci.state.apigw.timings.propagationDelayMs = 0;
    }
  });
});
