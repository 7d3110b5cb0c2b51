// The OCI emulator against the real oci-sdk clients: what they see must match Oracle Cloud for
// the calls the suite makes, and every way a signature can be wrong must end in OCI's 401.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type RawResponse, sendRaw } from "./emulators/http/raw-request.ts";
import { rejectsWithOciError } from "./emulators/oci/assert-oci-error.ts";
import { type SignOptions, signOciRequest } from "./emulators/oci/request-signer.ts";
import { type ApiKeyIdentity, newApiKeyPair, ociClients } from "./emulators/oci/sdk-clients.ts";
import type { Tenancy } from "./emulators/oci/state.ts";
import { type OciSdkWorld, startOciSdkWorld } from "./support/oci-sdk-world.ts";

const NOT_AUTHENTICATED = {
  code: "NotAuthenticated",
  message: "The required information to complete authentication was not provided or was incorrect.",
};

describe("OCI emulator", () => {
  let w: OciSdkWorld;
  let url: string;
  let tenancy: Tenancy;
  let me: ApiKeyIdentity;

  before(async () => {
    w = await startOciSdkWorld();
    ({ url, tenancy, me } = w);
  });
  after(() => w?.close());

  test("ids and fingerprints look like OCI's", () => {
    assert.match(tenancy.id, /^ocid1\.tenancy\.oc1\.\.aaaaaaaa[a-z2-7]{52}$/);
    assert.match(me.userId, /^ocid1\.user\.oc1\.\.aaaaaaaa[a-z2-7]{52}$/);
    assert.match(tenancy.namespace, /^[a-z0-9]{12}$/);
    // The fingerprint OCI documents: openssl rsa -pubout -outform DER | openssl md5 -c.
    const der = createPublicKey(me.privateKeyPem).export({ type: "spki", format: "der" });
    const md5 = execFileSync("openssl", ["md5", "-c"], { input: der, encoding: "utf8" });
    assert.equal(me.fingerprint, md5.trim().split(/\s+/).pop());
  });

  test("getNamespace returns the caller's tenancy namespace, not another tenancy's", async () => {
    const before = w.stack.oci.requests.length;
    const { objectStorage } = ociClients(url, me);
    const response = await objectStorage.getNamespace({});
    assert.equal(response.value, tenancy.namespace);
    const withCompartment = await objectStorage.getNamespace({ compartmentId: tenancy.id });
    assert.equal(withCompartment.value, tenancy.namespace);
    const logged = w.stack.oci.requests.slice(before);
    const signedByMe = ["GET", "GetNamespace", 200, `${me.tenancyId}/${me.userId}/${me.fingerprint}`];
    const rows = logged.map((entry) => [entry.method, entry.operation, entry.status, entry.keyId]);
    assert.deepEqual(rows, [signedByMe, signedByMe]);
    const other = w.stack.oci.state.createTenancy();
    const foreign = objectStorage.getNamespace({ compartmentId: other.id });
    await rejectsWithOciError(foreign, 404, "NotAuthorizedOrNotFound");
  });

  test("a key that was never uploaded is NotAuthenticated, and the 401 is not retried", async () => {
    const stranger = newApiKeyPair();
    const before = w.stack.oci.requests.length;
    // Right user, but the fingerprint of a key nobody uploaded.
    const { objectStorage } = ociClients(url, {
      ...me,
      fingerprint: "12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0",
    });
    await rejectsWithOciError(objectStorage.getNamespace({}), 401, "NotAuthenticated");
    // Right keyId, signed with a key that is not the uploaded one.
    const impostor = ociClients(url, { ...me, privateKeyPem: stranger.privateKeyPem });
    await rejectsWithOciError(impostor.objectStorage.getNamespace({}), 401, "NotAuthenticated");
    const logged = w.stack.oci.requests.slice(before);
    assert.equal(logged.length, 2, "each failed call reached the emulator exactly once");
    assert.match(logged[0]?.authFailure ?? "", /^unknown-key-id: /);
    assert.match(logged[1]?.authFailure ?? "", /^bad-signature: /);
  });

  test("a keyId naming the user's other key is NotAuthenticated", async () => {
    const second = newApiKeyPair();
    const secondFingerprint = w.stack.oci.state.addApiKey(me.userId, second.publicKeyPem);
    try {
      // Both keys are registered; signing with one and naming the other must still fail.
      const { objectStorage } = ociClients(url, { ...me, fingerprint: secondFingerprint });
      await rejectsWithOciError(objectStorage.getNamespace({}), 401, "NotAuthenticated");
      const { objectStorage: viaSecond } = ociClients(url, {
        ...me,
        fingerprint: secondFingerprint,
        privateKeyPem: second.privateKeyPem,
      });
      assert.equal((await viaSecond.getNamespace({})).value, tenancy.namespace);
    } finally {
      w.stack.oci.state.removeApiKey(me.userId, secondFingerprint);
    }
  });

  test("a date more than five minutes off the server clock is NotAuthenticated", async (t) => {
    t.after(() => w.setOffset(0));
    const { objectStorage } = ociClients(url, me);
    w.setOffset(4 * 60 * 1000);
    assert.equal((await objectStorage.getNamespace({})).value, tenancy.namespace, "4 minutes is tolerated");
    for (const skew of [6 * 60 * 1000, -6 * 60 * 1000]) {
      w.setOffset(skew);
      await rejectsWithOciError(objectStorage.getNamespace({}), 401, "NotAuthenticated");
      assert.match(w.stack.oci.requests.at(-1)?.authFailure ?? "", /^clock-skew: /);
    }
  });

  describe("hand-made requests", () => {
    const sign = (method: string, path: string, extra: Partial<SignOptions> = {}) =>
      signOciRequest({
        method,
        url: `${url}${path}`,
        keyId: `${me.tenancyId}/${me.userId}/${me.fingerprint}`,
        privateKey: me.privateKeyPem,
        ...extra,
      });

    async function expect401(response: Promise<RawResponse>, reason: RegExp) {
      const { status, headers, json } = await response;
      assert.equal(status, 401);
      assert.deepEqual(json, NOT_AUTHENTICATED);
      assert.equal(headers["content-type"], "application/json");
      assert.ok(headers["opc-request-id"]);
      assert.match(String(headers["x-emulator-reason"]), reason);
    }

    test("a correctly signed POST passes authentication (then 405 on a GET-only route)", async () => {
      const signed = sign("POST", "/n", { body: '{"a":1}' });
      const response = await sendRaw(`${url}/n`, "POST", signed.headers, signed.body);
      assert.equal(response.status, 405);
      assert.deepEqual((response.json as { code: string }).code, "MethodNotAllowed");
      assert.equal(response.headers.allow, "GET");
    });

    test("a body that does not match x-content-sha256 is rejected", async () => {
      const signed = sign("POST", "/n", { body: '{"a":1}' });
      // Same length, different content: headers and signature stay genuine.
      await expect401(
        sendRaw(`${url}/n`, "POST", signed.headers, Buffer.from('{"a":2}')),
        /^body-hash-mismatch: /,
      );
      // A genuine signature over a hash that is not the body's (here: the hash of "").
      const emptyHash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
      const wrongHash = sign("POST", "/n", { body: '{"a":1}', headers: { "x-content-sha256": emptyHash } });
      await expect401(
        sendRaw(`${url}/n`, "POST", wrongHash.headers, wrongHash.body),
        /^body-hash-mismatch: /,
      );
    });

    test("required headers missing from the signed list are rejected", async () => {
      const cases: Array<[string, string[], RegExp]> = [
        ["GET", ["x-date", "(request-target)"], /^missing-signed-header: host /],
        ["GET", ["x-date", "host"], /^missing-signed-header: \(request-target\) /],
        ["GET", ["(request-target)", "host"], /^missing-signed-header: neither date nor x-date/],
        [
          "POST",
          ["x-date", "(request-target)", "host", "content-length", "content-type"],
          /^missing-signed-header: x-content-sha256 /,
        ],
      ];
      for (const [method, headersToSign, reason] of cases) {
        const signed = sign(method, "/n", { headersToSign });
        await expect401(sendRaw(`${url}/n`, method, signed.headers, signed.body), reason);
      }
    });

    test("unsigned, tampered and malformed requests are rejected", async () => {
      await expect401(sendRaw(`${url}/n`, "GET", {}), /^missing-authorization: /);
      // Signed for /n, sent to /n?compartmentId=...: the request target no longer matches.
      const signed = sign("GET", "/n");
      await expect401(
        sendRaw(`${url}/n?compartmentId=${tenancy.id}`, "GET", signed.headers),
        /^bad-signature: /,
      );
      const noVersion = {
        ...signed.headers,
        authorization: signed.headers.authorization?.replace('version="1",', "") ?? "",
      };
      await expect401(sendRaw(`${url}/n`, "GET", noVersion), /^unsupported-version: /);
      await expect401(
        sendRaw(`${url}/n`, "GET", { ...signed.headers, authorization: "Bearer abc" }),
        /^malformed-authorization: /,
      );
    });

    test("routes exist only behind authentication", async () => {
      await expect401(sendRaw(`${url}/no/such/route`, "GET", {}), /^missing-authorization: /);
      const signed = sign("GET", "/no/such/route");
      const response = await sendRaw(`${url}/no/such/route`, "GET", signed.headers);
      assert.equal(response.status, 404);
      assert.equal((response.json as { code: string }).code, "NotFound");
    });
  });
});

test("a test process stopped by SIGTERM (the runner cancelling a file) still removes its temporary CA", async () => {
  // The process makes a CA the way every emulator stack does, then waits to be stopped.
  const script = `const { createTestCa } = await import(${JSON.stringify(join(import.meta.dirname, "emulators", "tls", "test-ca.ts"))});
    console.log((await createTestCa()).dir); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [firstChunk] = (await once(child.stdout, "data")) as [Buffer];
  const dir = firstChunk.toString("utf8").trim();
  assert.ok(existsSync(join(dir, "ca-key.pem")));
  child.kill("SIGTERM");
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  assert.deepEqual({ code, signal }, { code: null, signal: "SIGTERM" }, "it still ends by the signal");
  assert.equal(existsSync(dir), false, "the CA's private key is not left behind");
});
