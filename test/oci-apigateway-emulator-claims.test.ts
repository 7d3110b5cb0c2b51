// The data plane's TOKEN_AUTHENTICATION checks beyond signature, issuer and audience, as OCI documents
// them: verifyClaims entries (present with one of the acceptable values; presence only when values is
// empty; matched only when present when isRequired is false; an array claim passes when it holds an
// acceptable value), exp against maxClockSkewInSeconds with OCI's limit of 120 s, and an HS256 token
// signed with the issuer's public key refused like any other algorithm OCI does not verify with a JWKS.
import assert from "node:assert/strict";
import { createPublicKey, type JsonWebKey } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { CompactSign } from "jose";
import { startTestIssuer, type TestIssuer } from "./emulators/gateway/test-issuer.ts";
import { type ApiKeyIdentity, apiGatewayClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import type { Tenancy } from "./emulators/oci/state.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

const AUDIENCE = "api://fngate-claims";

describe("OCI emulator: API Gateway required claims and expiry", () => {
  let stack: EmulatorStack;
  let issuer: TestIssuer;
  let tenancy: Tenancy;
  let me: ApiKeyIdentity;
  let gatewayId: string;
  let prefixes = 0;

  const mint = (
    claims: Record<string, unknown> = {},
    options: { ageSeconds?: number; lifetimeSeconds?: number } = {},
  ) =>
    issuer.mint(
      { aud: AUDIENCE, ...claims },
      {
        now: new Date(Date.now() - (options.ageSeconds ?? 0) * 1000),
        ...(options.lifetimeSeconds === undefined ? {} : { lifetimeSeconds: options.lifetimeSeconds }),
      },
    );

  function specification(extra: { verifyClaims?: unknown[]; maxClockSkewInSeconds?: number }) {
    return {
      requestPolicies: {
        authentication: {
          type: "TOKEN_AUTHENTICATION",
          tokenHeader: "Authorization",
          tokenAuthScheme: "Bearer",
          maxClockSkewInSeconds: extra.maxClockSkewInSeconds ?? 0,
          validationPolicy: {
            type: "REMOTE_JWKS",
            uri: issuer.jwksUri,
            additionalValidationPolicy: {
              issuers: [issuer.issuer],
              audiences: [AUDIENCE],
              ...(extra.verifyClaims ? { verifyClaims: extra.verifyClaims } : {}),
            },
          },
        },
      },
      routes: [
        {
          path: "/hello",
          backend: { type: "STOCK_RESPONSE_BACKEND", status: 200, body: '"hello"', headers: [] },
        },
      ],
    };
  }

  /** Deploys the specification under a fresh prefix; a status when OCI refuses it, else a GET-with-token. */
  async function deploy(extra: Parameters<typeof specification>[0]) {
    const { deployment } = apiGatewayClients(stack.endpoints.oci, me);
    const created = await deployment.createDeployment({
      createDeploymentDetails: {
        gatewayId,
        compartmentId: tenancy.id,
        pathPrefix: `/c${++prefixes}`,
        specification: specification(extra) as never,
      },
    });
    const url = `${created.deployment.endpoint}/hello`;
    return (token: string) =>
      fetch(url, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  }

  before(async () => {
    stack = await startEmulatorStack({
      apiGateway: { workRequestAcceptedMs: 0, workRequestInProgressMs: 0, propagationDelayMs: 0 },
    });
    trustCaInProcess(stack.caPem);
    issuer = await startTestIssuer(stack.tls);
    ({ tenancy, me } = seedApiKeyCaller(stack.oci.state, "claims"));
    gatewayId = stack.oci.state.createGateway({ compartmentId: tenancy.id }).id;
  });
  after(async () => {
    await issuer?.close();
    await stack?.close();
  });

  test("a required claim with values: one of them must be there; an array claim holding one passes", async () => {
    const call = await deploy({ verifyClaims: [{ key: "roles", values: ["Api.Invoke"], isRequired: true }] });
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
    const call = await deploy({
      verifyClaims: [
        { key: "tid", isRequired: true },
        { key: "azp", values: ["client-a", "client-b"], isRequired: false },
      ],
    });
    assert.equal(await call(await mint({ tid: "t1" })), 200, "azp absent: not checked");
    assert.equal(await call(await mint({ tid: "t1", azp: "client-b" })), 200);
    assert.equal(
      await call(await mint({ tid: "t1", azp: "client-c" })),
      401,
      "azp present with another value",
    );
    assert.equal(await call(await mint({ azp: "client-a" })), 401, "tid is required");
  });

  test("maxClockSkewInSeconds: OCI's limit is 120; exp is checked against it", async () => {
    await assert.rejects(
      deploy({ maxClockSkewInSeconds: 121 }),
      (error: { statusCode?: number; message?: string }) => {
        assert.equal(error.statusCode, 400);
        assert.match(String(error.message), /maxClockSkewInSeconds must be between 0 and 120/);
        return true;
      },
    );
    const lenient = await deploy({ maxClockSkewInSeconds: 120 });
    const strict = await deploy({ maxClockSkewInSeconds: 0 });
    const expired100sAgo = await mint({}, { ageSeconds: 700, lifetimeSeconds: 600 });
    assert.equal(await lenient(expired100sAgo), 200, "within the allowance");
    assert.equal(await strict(expired100sAgo), 401);
    const expired200sAgo = await mint({}, { ageSeconds: 800, lifetimeSeconds: 600 });
    assert.equal(await lenient(expired200sAgo), 401, "beyond the largest allowance OCI has");
  });

  test("an HS256 token signed with the issuer's public key (key confusion) is refused", async () => {
    const call = await deploy({});
    const good = await mint();
    const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: (JsonWebKey & { kid: string })[] };
    const jwk = jwks.keys[0];
    assert.ok(jwk);
    const pem = String(createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "pem" }));
    const forged = await new CompactSign(Buffer.from(good.split(".")[1] ?? "", "base64url"))
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: jwk.kid })
      .sign(new TextEncoder().encode(pem));
    assert.equal(await call(good), 200);
    assert.equal(await call(forged), 401);
    assert.match(stack.gateway.requests.at(-1)?.authFailure ?? "", /ERR_JOSE_ALG_NOT_ALLOWED/);
  });
});
