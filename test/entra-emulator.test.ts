// The Entra emulator against the real @azure/msal-node client and jose: client-secret tokens must
// carry the v1/v2 claims real Entra issues, verify against the served JWKS, and every failure must
// reach MSAL as the AADSTS error Entra sends.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AuthError } from "@azure/msal-node";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import type { Application } from "./emulators/entra/directory.ts";
import { type EntraFixture, startEntraFixture } from "./emulators/entra/fixture.ts";

async function rejectsWithAadsts(promise: Promise<unknown>, aadsts: number, errorCode: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AuthError, `expected an MSAL AuthError, got ${String(error)}`);
    assert.equal(error.errorCode, errorCode);
    assert.match(error.errorMessage, new RegExp(`AADSTS${aadsts}:`));
    assert.equal(String((error as AuthError & { errorNo?: unknown }).errorNo), String(aadsts));
    return true;
  });
}

describe("Entra emulator: client secret", () => {
  let fx: EntraFixture;
  let client: Application;
  const secret = "client-secret-value";

  before(async () => {
    fx = await startEntraFixture();
    client = fx.entra.addClientApp(fx.tenantId, {
      displayName: "client-app-a",
      secrets: [{ value: secret }],
      roleAssignments: [
        { resourceAppId: fx.apiV1.appId, role: "Invoke" },
        { resourceAppId: fx.apiV2.appId, role: "Invoke" },
      ],
    });
  });

  after(async () => {
    await fx.close();
  });

  test("discovery documents name the emulator's endpoints and Entra's issuers", async () => {
    const v2 = (await (await fetch(fx.entra.openIdConfigurationUrl(fx.tenantId, 2))).json()) as Record<
      string,
      unknown
    >;
    assert.equal(v2.issuer, `https://login.microsoftonline.com/${fx.tenantId}/v2.0`);
    assert.equal(v2.jwks_uri, fx.entra.jwksUri(fx.tenantId, 2));
    assert.equal(v2.token_endpoint, fx.entra.tokenEndpoint(fx.tenantId));
    const v1 = (await (await fetch(fx.entra.openIdConfigurationUrl(fx.tenantId, 1))).json()) as Record<
      string,
      unknown
    >;
    assert.equal(v1.issuer, `https://sts.windows.net/${fx.tenantId}/`);
    const unknown = await fetch(fx.entra.openIdConfigurationUrl("00000000-0000-0000-0000-00000000beef", 2));
    assert.equal(unknown.status, 400);
    const body = (await unknown.json()) as { error_codes: number[] };
    assert.deepEqual(body.error_codes, [90002]);
  });

  test("a v1 API gets a v1 token: sts.windows.net issuer, identifier URI audience, appid, roles", async () => {
    const result = await fx.msal(client.appId, { clientSecret: secret }).acquireTokenByClientCredential({
      scopes: ["api://my-oci-api/.default"],
    });
    assert.ok(result);
    assert.equal(result.tokenType, "Bearer");
    const jwks = createRemoteJWKSet(new URL(fx.entra.jwksUri(fx.tenantId)));
    const { payload, protectedHeader } = await jwtVerify(result.accessToken, jwks, {
      issuer: fx.entra.issuerV1(fx.tenantId),
      audience: "api://my-oci-api",
      algorithms: ["RS256"],
    });
    assert.equal(protectedHeader.kid, fx.entra.keys.currentKid);
    assert.equal(protectedHeader.x5t, protectedHeader.kid);
    assert.equal(payload.ver, "1.0");
    assert.equal(payload.appid, client.appId);
    assert.equal(payload.appidacr, "1");
    assert.equal(payload.tid, fx.tenantId);
    assert.equal(payload.sub, client.servicePrincipalId);
    assert.equal(payload.oid, client.servicePrincipalId);
    assert.equal(payload.idp, `https://sts.windows.net/${fx.tenantId}/`);
    assert.deepEqual(payload.roles, ["Invoke"]);
    assert.equal(payload.scp, undefined);
    assert.equal(payload.azp, undefined);
    assert.ok((payload.exp ?? 0) - Date.now() / 1000 > 3500, "one hour lifetime");
    // The v1 (common) JWKS holds the same keys.
    await jwtVerify(result.accessToken, createRemoteJWKSet(new URL(fx.entra.jwksUri(fx.tenantId, 1))));
  });

  test("a v2 API gets a v2 token: login.microsoftonline.com issuer, appId audience, azp", async () => {
    for (const scope of ["api://my-oci-api-v2/.default", `${fx.apiV2.appId}/.default`]) {
      const result = await fx.msal(client.appId, { clientSecret: secret }).acquireTokenByClientCredential({
        scopes: [scope],
      });
      assert.ok(result);
      const jwks = createRemoteJWKSet(new URL(fx.entra.jwksUri(fx.tenantId)));
      const { payload } = await jwtVerify(result.accessToken, jwks, {
        issuer: fx.entra.issuerV2(fx.tenantId),
        audience: fx.apiV2.appId,
      });
      assert.equal(payload.ver, "2.0");
      assert.equal(payload.azp, client.appId);
      assert.equal(payload.azpacr, "1");
      assert.equal(payload.appid, undefined);
      assert.deepEqual(payload.roles, ["Invoke"]);
      assert.equal(decodeProtectedHeader(result.accessToken).x5t, undefined);
    }
  });

  test("a client without role assignments gets a token without a roles claim", async () => {
    const bare = fx.entra.addClientApp(fx.tenantId, { secrets: [{ value: secret }] });
    const result = await fx.msal(bare.appId, { clientSecret: secret }).acquireTokenByClientCredential({
      scopes: ["api://my-oci-api/.default"],
    });
    const { payload } = await jwtVerify(
      result?.accessToken ?? "",
      createRemoteJWKSet(new URL(fx.entra.jwksUri(fx.tenantId))),
    );
    assert.equal(payload.roles, undefined);
  });

  test("a wrong secret is AADSTS7000215, an expired one AADSTS7000222", async () => {
    await rejectsWithAadsts(
      fx.msal(client.appId, { clientSecret: "wrong" }).acquireTokenByClientCredential({
        scopes: ["api://my-oci-api/.default"],
      }),
      7000215,
      "invalid_client",
    );
    const expired = fx.entra.addClientApp(fx.tenantId, {
      secrets: [{ value: "old-secret", expiresAt: new Date(Date.now() - 1000) }],
    });
    await rejectsWithAadsts(
      fx.msal(expired.appId, { clientSecret: "old-secret" }).acquireTokenByClientCredential({
        scopes: ["api://my-oci-api/.default"],
      }),
      7000222,
      "invalid_client",
    );
  });

  test("an unknown client is AADSTS700016, an unknown resource AADSTS500011, a bare scope AADSTS1002012", async () => {
    await rejectsWithAadsts(
      fx
        .msal("11111111-2222-3333-4444-555555555555", { clientSecret: secret })
        .acquireTokenByClientCredential({
          scopes: ["api://my-oci-api/.default"],
        }),
      700016,
      "unauthorized_client",
    );
    await rejectsWithAadsts(
      fx.msal(client.appId, { clientSecret: secret }).acquireTokenByClientCredential({
        scopes: ["api://not-registered/.default"],
      }),
      500011,
      "invalid_resource",
    );
    await rejectsWithAadsts(
      fx.msal(client.appId, { clientSecret: secret }).acquireTokenByClientCredential({
        scopes: ["api://my-oci-api/access_as_user"],
      }),
      1002012,
      "invalid_scope",
    );
  });

  test("errors have Entra's JSON shape and echo client-request-id", async () => {
    const correlationId = "0f0e0d0c-0b0a-4909-8807-060504030201";
    const response = await fetch(fx.entra.tokenEndpoint(fx.tenantId), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "client-request-id": correlationId },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: client.appId,
        client_secret: "wrong",
        scope: "api://my-oci-api/.default",
      }),
    });
    assert.equal(response.status, 401);
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      "correlation_id",
      "error",
      "error_codes",
      "error_description",
      "error_uri",
      "timestamp",
      "trace_id",
    ]);
    assert.equal(body.error, "invalid_client");
    assert.deepEqual(body.error_codes, [7000215]);
    assert.equal(body.correlation_id, correlationId);
    assert.equal(body.trace_id, response.headers.get("x-ms-request-id"));
    assert.match(String(body.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.match(
      String(body.error_description),
      new RegExp(
        `^AADSTS7000215: .+\\r\\nTrace ID: ${body.trace_id}\\r\\nCorrelation ID: ${correlationId}\\r\\nTimestamp: ${body.timestamp}$`,
      ),
    );
    const get = await fetch(fx.entra.tokenEndpoint(fx.tenantId));
    assert.equal(get.status, 400);
    assert.deepEqual(((await get.json()) as { error_codes: number[] }).error_codes, [900561]);
  });
});
