// The emulated identity domain and the OCI front door are strict about session tokens: the token
// exchange checks every parameter and the subject token's signature, and a request signed with
// `ST$<UPST>` passes only when the UPST is genuine, unexpired and the request is signed by the key the
// UPST binds.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { NoRetryConfigurationDetails } from "oci-common";
import { ObjectStorageClient } from "oci-objectstorage";
import { profileAuthProvider } from "../src/oci/auth/auth-provider.ts";
import { type GithubTrust, trustGithubRepository } from "./emulators/oci-identity-domain/github-trust.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";

const REPOSITORY = "ORG/REPO";
let oci: OciFixture;
let trust: GithubTrust;
let dir: string;

before(async () => {
  oci = await startOciFixture();
  trustCaInProcess(oci.stack.caPem);
  trust = trustGithubRepository(oci.stack, {
    tenancyId: oci.tenancyId,
    userId: oci.userId,
    repository: REPOSITORY,
  });
  dir = await mkdtemp(join(tmpdir(), "fngate-upst-"));
});
after(async () => {
  await oci?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function newKey() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicBase64: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
  };
}

/** A POST of `form` to the identity domain's `path`, authenticated as `client` (none: no authorization). */
async function tokenCall(path: string, form: Record<string, string> | string, client?: [string, string]) {
  const response = await fetch(`${oci.stack.endpoints.oci}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(client ? { authorization: `Basic ${Buffer.from(client.join(":")).toString("base64")}` } : {}),
    },
    body: typeof form === "string" ? form : new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}
const exchange = (form: Record<string, string>) =>
  tokenCall("/oauth2/v1/token", form, [trust.clientId, trust.clientSecret]);

async function validForm(publicBase64: string): Promise<Record<string, string>> {
  return {
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    requested_token_type: "urn:oci:token-type:oci-upst",
    subject_token: await oci.stack.githubOidc.mint(
      { repository: REPOSITORY, ref: "refs/heads/main" },
      trust.audience,
    ),
    subject_token_type: "jwt",
    public_key: publicBase64,
  };
}

/** GET /n signed from a session profile with `key` and `token`: the status OCI answers. */
async function namespaceStatus(keyPem: string, token: string): Promise<number> {
  const keyFile = join(dir, `${Math.random()}.pem`);
  const tokenFile = join(dir, `${Math.random()}.token`);
  const configFile = join(dir, `${Math.random()}.config`);
  await writeFile(keyFile, keyPem, { mode: 0o600 });
  await writeFile(tokenFile, token, { mode: 0o600 });
  await writeFile(
    configFile,
    `[DEFAULT]\nfingerprint=00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00\ntenancy=${oci.tenancyId}\nregion=ap-tokyo-1\nkey_file=${keyFile}\nsecurity_token_file=${tokenFile}\n`,
  );
  const client = new ObjectStorageClient(
    { authenticationDetailsProvider: profileAuthProvider(configFile, "DEFAULT") },
    { retryConfiguration: NoRetryConfigurationDetails },
  );
  client.endpoint = oci.stack.endpoints.oci;
  try {
    await client.getNamespace({});
    return 200;
  } catch (error) {
    return (error as { statusCode: number }).statusCode;
  } finally {
    client.close();
  }
}

describe("identity domain token exchange", () => {
  // Refused exchanges never bind their key: they share one instead of generating eight.
  const refusedKey = newKey().publicBase64;
  it("issues a UPST binding the public key, for the trusted tenancy and user, valid one hour", async () => {
    const key = newKey();
    const answer = await exchange(await validForm(key.publicBase64));
    assert.equal(answer.status, 200);
    const claims = JSON.parse(
      Buffer.from(answer.body.token?.split(".")[1] ?? "", "base64url").toString(),
    ) as Record<string, unknown>;
    assert.equal(claims.tenant, oci.tenancyId);
    assert.equal(claims.sub, oci.userId);
    assert.equal(claims.iss, "authService.oracle.com");
    assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
    assert.equal(typeof claims.jwk, "string");
  });

  const shortKey = () =>
    generateKeyPairSync("rsa", { modulusLength: 1024 })
      .publicKey.export({ type: "spki", format: "der" })
      .toString("base64");
  const refusals: [string, (form: Record<string, string>) => Record<string, string>, string][] = [
    ["a wrong requested_token_type", (f) => ({ ...f, requested_token_type: "urn:x" }), "invalid_request"],
    ["subject_token_type other than jwt", (f) => ({ ...f, subject_token_type: "saml" }), "invalid_request"],
    ["no public_key", ({ public_key: _k, ...f }) => f, "invalid_request"],
    ["a 1024-bit public key", (f) => ({ ...f, public_key: shortKey() }), "invalid_request"],
    ["another grant type", (f) => ({ ...f, grant_type: "client_credentials" }), "unsupported_grant_type"],
  ];
  for (const [name, change, error] of refusals) {
    it(`refuses ${name}: 400 ${error}`, async () => {
      const answer = await exchange(change(await validForm(refusedKey)));
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error, error);
    });
  }

  it("refuses a subject token with the GitHub issuer but signed by another key", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = await new SignJWT({ sub: `repo:${REPOSITORY}:ref:refs/heads/main` })
      .setProtectedHeader({ alg: "RS256", kid: oci.stack.githubOidc.keys.currentKid })
      .setIssuer(oci.stack.githubOidc.issuer)
      .setAudience(trust.audience)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    const answer = await exchange({ ...(await validForm(refusedKey)), subject_token: forged });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      error: "invalid_grant",
      error_description: "The subject token signature could not be verified.",
    });
  });

  it("refuses a client that names itself with client_id alone (no public clients): 401 invalid_client", async () => {
    const form = { ...(await validForm(refusedKey)), client_id: trust.clientId };
    const answer = await tokenCall("/oauth2/v1/token", form);
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.body, {
      error: "invalid_client",
      error_description: "Client authentication failed.",
    });
  });
});

describe("session-token-signed requests", () => {
  it("pass with the bound key, fail with another key or a tampered token", async () => {
    const key = newKey();
    const { body } = await exchange(await validForm(key.publicBase64));
    const token = body.token ?? "";
    assert.equal(await namespaceStatus(key.pem, token), 200);

    assert.equal(await namespaceStatus(newKey().pem, token), 401);
    assert.match(oci.stack.oci.requests.at(-1)?.authFailure ?? "", /^bad-signature/);

    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, exp: Number(claims.exp) + 86400 })).toString("base64url")}.${signature}`;
    assert.equal(await namespaceStatus(key.pem, tampered), 401);
    assert.match(
      oci.stack.oci.requests.at(-1)?.authFailure ?? "",
      /^invalid-session-token: session token signature does not verify/,
    );
  });
});
