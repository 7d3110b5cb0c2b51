// Signing keys of the Entra emulator: the JWKS looks like Entra's (kid = x5t, x5c certificate),
// rotation keeps old tokens valid until their key is retired, and minted tokens (the inputs of the
// gateway tests) fail jose verification for exactly the property they break.
import assert from "node:assert/strict";
import { createPublicKey, X509Certificate } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from "jose";
import type { Application } from "./emulators/entra/directory.ts";
import { type EntraFixture, startEntraFixture } from "./emulators/entra/fixture.ts";
import type { JwkEntry } from "./emulators/entra/signing-keys.ts";

describe("Entra emulator: signing keys and minted tokens", () => {
  let fx: EntraFixture;
  let client: Application;

  before(async () => {
    fx = await startEntraFixture();
    client = fx.entra.addClientApp(fx.tenantId, {
      secrets: [{ value: "secret" }],
      roleAssignments: [{ resourceAppId: fx.apiV1.appId, role: "Invoke" }],
    });
  });

  after(async () => {
    await fx.close();
  });

  async function fetchJwks(version: 1 | 2 = 2): Promise<{ keys: JwkEntry[] }> {
    const response = await fetch(fx.entra.jwksUri(fx.tenantId, version));
    assert.equal(response.status, 200);
    return (await response.json()) as { keys: JwkEntry[] };
  }

  const acquire = async () =>
    (
      await fx.msal(client.appId, { clientSecret: "secret" }).acquireTokenByClientCredential({
        scopes: ["api://my-oci-api/.default"],
      })
    )?.accessToken ?? "";

  test("the JWKS publishes several RSA keys with kid = x5t and their certificates", async () => {
    const v2 = await fetchJwks(2);
    assert.ok(v2.keys.length >= 2);
    for (const key of v2.keys) {
      assert.equal(key.kty, "RSA");
      assert.equal(key.use, "sig");
      assert.equal(key.kid, key.x5t);
      assert.equal(key.issuer, `https://login.microsoftonline.com/${fx.tenantId}/v2.0`);
      const cert = new X509Certificate(Buffer.from(key.x5c[0] ?? "", "base64"));
      assert.deepEqual(
        cert.publicKey.export({ format: "jwk" }),
        createPublicKey({ key, format: "jwk" }).export({ format: "jwk" }),
      );
    }
    const v1 = await fetchJwks(1);
    assert.deepEqual(
      v1.keys.map((key) => key.kid),
      v2.keys.map((key) => key.kid),
    );
    assert.equal(v1.keys[0]?.issuer, undefined);
  });

  test("after rotation new tokens use the new key; a retired key's tokens stop verifying", async () => {
    const oldKid = fx.entra.keys.currentKid;
    const before = await acquire();
    const newKid = await fx.entra.rotateSigningKey();
    assert.notEqual(newKid, oldKid);
    const afterRotation = await acquire();
    const published = createLocalJWKSet(await fetchJwks());
    const verifiedNew = await jwtVerify(afterRotation, published);
    assert.equal(verifiedNew.protectedHeader.kid, newKid);
    // Old keys stay published: tokens issued before the rotation still verify.
    assert.equal((await jwtVerify(before, published)).protectedHeader.kid, oldKid);

    fx.entra.retireKey(oldKid);
    const afterRetire = createLocalJWKSet(await fetchJwks());
    await jwtVerify(afterRotation, afterRetire);
    await assert.rejects(jwtVerify(before, afterRetire), errors.JWKSNoMatchingKey);
    assert.throws(() => fx.entra.retireKey(newKid), /rotate first/);
  });

  test("minted tokens break only what they are asked to", async () => {
    const jwks = createRemoteJWKSet(new URL(fx.entra.jwksUri(fx.tenantId)));
    const expect = { issuer: fx.entra.issuerV1(fx.tenantId), audience: "api://my-oci-api" };
    const base = { tenantId: fx.tenantId, resource: "api://my-oci-api", clientAppId: client.appId };

    const good = await fx.entra.mintToken(base);
    const { payload } = await jwtVerify(good, jwks, expect);
    assert.deepEqual(payload.roles, ["Invoke"]);
    assert.equal(payload.sub, client.servicePrincipalId);

    const expired = await fx.entra.mintToken({ ...base, issuedAt: new Date(Date.now() - 2 * 3600_000) });
    await assert.rejects(jwtVerify(expired, jwks, expect), errors.JWTExpired);
    const foreign = await fx.entra.mintToken({ ...base, signWith: "foreign" });
    await assert.rejects(jwtVerify(foreign, jwks, expect), errors.JWKSNoMatchingKey);
    const wrongAudience = await fx.entra.mintToken({ ...base, overrides: { aud: "api://other" } });
    await assert.rejects(jwtVerify(wrongAudience, jwks, expect), errors.JWTClaimValidationFailed);
    const noRoles = await fx.entra.mintToken({ ...base, overrides: { roles: undefined } });
    assert.equal((await jwtVerify(noRoles, jwks, expect)).payload.roles, undefined);

    const v2 = await fx.entra.mintToken({ ...base, resource: "api://my-oci-api-v2" });
    const verifiedV2 = await jwtVerify(v2, jwks, {
      issuer: fx.entra.issuerV2(fx.tenantId),
      audience: fx.apiV2.appId,
    });
    assert.equal(verifiedV2.payload.ver, "2.0");
  });

  test("injected faults reach MSAL and jose as Entra's would", async () => {
    fx.entra.faults.next(1, { status: 503, retryAfter: 1 });
    await assert.rejects(acquire(), (error: unknown) => {
      assert.match(String((error as { errorMessage?: string }).errorMessage), /AADSTS90033:/);
      return true;
    });
    assert.equal(fx.entra.requests.at(-1)?.injectedFault, "503");
    assert.ok(await acquire(), "the next call goes through");

    fx.entra.faults.next(1, { reset: true }, ["keys"]);
    const jwks = createRemoteJWKSet(new URL(fx.entra.jwksUri(fx.tenantId)));
    await assert.rejects(jwtVerify(await acquire(), jwks));
    await jwtVerify(await acquire(), createRemoteJWKSet(new URL(fx.entra.jwksUri(fx.tenantId))));
  });
});
