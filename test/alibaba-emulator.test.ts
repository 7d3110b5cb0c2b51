// The Alibaba emulator is strict: FC calls need a valid ACS3-HMAC-SHA256 signature by a registered
// AccessKey or by unexpired STS credentials with their token; a changed body, a replayed nonce or an
// old date is refused; AssumeRoleWithOIDC verifies the token; the OSS-like PUT takes only valid,
// unexpired STS credentials of a role the bucket allows. Driven with the real SDK and its own signer.
// The read-only identity calls (GetCallerIdentity, RAM GetRole) answer only a signed request (their
// signed paths are covered through the real SDK by preflight-fc-checks).
import assert from "node:assert/strict";
import { createHash, createHmac, randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import openapiCore from "@alicloud/openapi-core";
import stsModule from "@alicloud/sts20150401";
import { AssumeRoleWithOIDCRequest, FcClient, GetFunctionRequest, StsClient } from "../src/alibaba/sdk.ts";
import { sdkConfig } from "../src/alibaba/sdk-config.ts";
import { type AlibabaEmulator, startAlibabaEmulator } from "./emulators/alibaba/server.ts";
import type { AccessKey, Role } from "./emulators/alibaba/state.ts";
import { type GithubOidcIssuer, startGithubOidcIssuer } from "./emulators/github-oidc/server.ts";
import { sendRaw } from "./emulators/http/raw-request.ts";
import { createTestCa, type TlsMaterial } from "./emulators/tls/test-ca.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

let tls: TlsMaterial;
let emulator: AlibabaEmulator;
let oidc: GithubOidcIssuer;
let key: AccessKey;
let role: Role;
let otherRole: Role;
let providerArn: string;
let clockOffsetMs = 0;
const { AssumeRoleRequest } = stsModule;
const now = () => new Date(Date.now() + clockOffsetMs);

before(async () => {
  tls = await createTestCa();
  trustCaInProcess(tls.caPem);
  emulator = await startAlibabaEmulator({ tls, now });
  oidc = await startGithubOidcIssuer({ tls });
  key = emulator.state.addAccessKey();
  role = emulator.state.addRole("writer", { services: ["fc.aliyuncs.com"] });
  otherRole = emulator.state.addRole("other", { services: ["fc.aliyuncs.com"] });
  providerArn = emulator.state.addOidcProvider("github", oidc.issuer, ["sts.aliyuncs.com"]).arn;
  emulator.state.addRole("deployer", {
    services: [],
    oidc: { providerArn, subjects: ["repo:ORG/REPO:ref:refs/heads/main"] },
  });
  emulator.state.addBucket("bucket", [role.arn]);
});
after(async () => {
  await emulator?.close();
  await oidc?.close();
  if (tls) await rm(tls.dir, { recursive: true, force: true });
});

const host = () => new URL(emulator.url).host;

/** SDK settings signing as an AccessKey pair, or as STS credentials when `token` is given. */
const signedAs = ({ id, secret, token }: { id: string; secret: string; token?: string }) =>
  sdkConfig(
    { host: host(), protocol: "https" },
    {
      accessKeyId: id,
      accessKeySecret: secret,
      ...(token ? { securityToken: token } : {}),
      source: "access-key",
    },
  );

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return String((error as { code?: string }).code);
  }
}

/** A GetFunction request signed by the SDK's own signer, sent raw so a test can tamper with it. */
async function rawSigned(options: {
  body?: string;
  tamperBody?: string;
  nonce?: string;
  date?: string;
  secret?: string;
}) {
  const body = options.body ?? "";
  const pathname = "/2023-03-30/functions/raw";
  const headers: Record<string, string> = {
    host: host(),
    "x-acs-version": "2023-03-30",
    "x-acs-action": "GetFunction",
    "x-acs-date": options.date ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    "x-acs-signature-nonce": options.nonce ?? randomUUID(),
    "x-acs-content-sha256": createHash("sha256").update(body).digest("hex"),
  };
  headers.Authorization = openapiCore.OpenApiUtil.getAuthorization(
    { pathname, method: "GET", query: {}, headers } as never,
    "ACS3-HMAC-SHA256",
    headers["x-acs-content-sha256"] ?? "",
    key.id,
    options.secret ?? key.secret,
  );
  const sent = Buffer.from(options.tamperBody ?? body);
  const url = `${emulator.url}${pathname}`;
  const answer = await sendRaw(url, "GET", { ...headers, "content-length": String(sent.length) }, sent);
  return { status: answer.status, code: (answer.json as { Code: string }).Code };
}

/** `call`'s outcome with the emulator's clock `offsetMs` ahead, then back to now. */
async function later<T>(offsetMs: number, call: () => Promise<T>): Promise<T> {
  clockOffsetMs = offsetMs;
  try {
    return await call();
  } finally {
    clockOffsetMs = 0;
  }
}

describe("Alibaba emulator: FC request signatures", () => {
  const getAbsent = (credential: { id: string; secret: string; token?: string }) =>
    codeOf(new FcClient(signedAs(credential)).getFunction("absent", new GetFunctionRequest({})));

  // A wrong secret (SignatureDoesNotMatch): fc-deploy-bad-input.test.ts, through fc-deploy.
  it("accepts the SDK's ACS3-HMAC-SHA256 signature by a registered AccessKey; refuses an unknown id", async () => {
    assert.equal(await getAbsent({ id: key.id, secret: key.secret }), "FunctionNotFound");
    assert.equal(await getAbsent({ id: "LTAI5tUnknown", secret: key.secret }), "InvalidAccessKeyId.NotFound");
  });

  it("refuses a body changed after signing, a replayed nonce and an old date", async () => {
    assert.deepEqual(await rawSigned({}), { status: 404, code: "FunctionNotFound" });
    const tampered = await rawSigned({ body: "{}", tamperBody: '{"x":1}' });
    assert.deepEqual(tampered, { status: 403, code: "SignatureDoesNotMatch" });
    const nonce = randomUUID();
    assert.equal((await rawSigned({ nonce })).code, "FunctionNotFound");
    assert.equal((await rawSigned({ nonce })).code, "SignatureNonceUsed");
    assert.equal((await rawSigned({ date: "2020-01-01T00:00:00Z" })).code, "InvalidTimeStamp.Expired");
  });

  it("accepts unexpired STS credentials with their token; refuses a wrong token and expired ones", async () => {
    const sts = emulator.state.issueStsCredential(role.arn, "s", 900, now());
    const credential = (token: string) => ({ id: sts.accessKeyId, secret: sts.accessKeySecret, token });
    assert.equal(await getAbsent(credential(sts.securityToken)), "FunctionNotFound");
    const mismatch = await getAbsent(credential(`${sts.securityToken}x`));
    assert.equal(mismatch, "InvalidSecurityToken.MismatchWithAccessKey");
    const expired = await later(901_000, () => getAbsent(credential(sts.securityToken)));
    assert.equal(expired, "InvalidSecurityToken.Expired");
  });
});

describe("Alibaba emulator: STS AssumeRoleWithOIDC", () => {
  const assume = async (token: string, roleName = "deployer") => {
    const client = new StsClient(sdkConfig({ host: host(), protocol: "https" }));
    return codeOf(
      client.assumeRoleWithOIDC(
        new AssumeRoleWithOIDCRequest({
          OIDCProviderArn: providerArn,
          roleArn: `acs:ram::${emulator.state.accountId}:role/${roleName}`,
          OIDCToken: token,
          roleSessionName: "test",
        }),
      ),
    );
  };

  // Credentials for a trusted subject and audience (fc-deploy-action.test.ts), and another subject
  // (NoPermission) or audience (AudienceMismatch) refused (fc-deploy-bad-input.test.ts): through fc-deploy.
  it("refuses an expired token, a token signed by another key, and a missing role", async () => {
    const token = await oidc.mint({ repository: "ORG/REPO" }, "sts.aliyuncs.com");
    assert.equal(await later(3_600_000, () => assume(token)), "AuthenticationFail.OIDCToken.Expired");
    const [header, payload] = token.split(".");
    const forged = `${header}.${payload}.${createHmac("sha256", "x").update("y").digest("base64url")}`;
    assert.equal(await assume(forged), "AuthenticationFail.OIDCToken.Invalid");
    assert.equal(await assume(token, "nobody"), "EntityNotExist.Role");
  });
});

describe("Alibaba emulator: STS AssumeRole (V3-signed RPC)", () => {
  const assumeRole = (secret: string, roleName: string) => {
    return codeOf(
      new StsClient(signedAs({ id: key.id, secret })).assumeRole(
        new AssumeRoleRequest({
          roleArn: `acs:ram::${emulator.state.accountId}:role/${roleName}`,
          roleSessionName: "ops",
        }),
      ),
    );
  };

  it("issues credentials to a RAM user the role trusts; refuses others and bad signatures", async () => {
    emulator.state.addRole("ops", { services: [], principals: [key.principal.name] });
    assert.equal(await assumeRole(key.secret, "ops"), "ok");
    assert.equal(await assumeRole(key.secret, "writer"), "NoPermission");
    assert.equal(await assumeRole(`${key.secret}x`, "ops"), "SignatureDoesNotMatch");
  });
});

describe("Alibaba emulator: OSS-like PUT", () => {
  async function put(credential: { id: string; secret: string; token: string }, object = "o.txt") {
    const date = new Date(Date.now() + clockOffsetMs).toUTCString();
    const toSign = `PUT\n\ntext/plain\n${date}\nx-oss-security-token:${credential.token}\n/bucket/${object}`;
    const headers = {
      "content-type": "text/plain",
      date,
      "x-oss-security-token": credential.token,
      authorization: `OSS ${credential.id}:${createHmac("sha1", credential.secret).update(toSign).digest("base64")}`,
    };
    const response = await fetch(`${emulator.url}/bucket/${object}`, {
      method: "PUT",
      headers,
      body: "hello",
    });
    return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1] ?? String(response.status);
  }
  const creds = (r: Role, seconds = 900) => {
    const sts = emulator.state.issueStsCredential(r.arn, "s", seconds, now());
    return { id: sts.accessKeyId, secret: sts.accessKeySecret, token: sts.securityToken };
  };

  // The allowed role's STS credentials store the object, and none are AccessDenied: fc-deploy-action.test.ts.
  it("refuses another role's credentials, a wrong token, a wrong secret, an AccessKey, and expired credentials", async () => {
    assert.equal(await put(creds(role)), "200", "the signing here is right");
    assert.equal(await put(creds(otherRole)), "AccessDenied");
    assert.equal(await put({ ...creds(role), token: "CAISforged" }), "InvalidSecurityToken");
    assert.equal(await put({ ...creds(role), secret: "wrong" }), "SignatureDoesNotMatch");
    assert.equal(await put({ id: key.id, secret: key.secret, token: "" }), "InvalidAccessKeyId");
    const expiring = creds(role, 900);
    assert.equal(await later(901_000, () => put(expiring)), "SecurityTokenExpired");
  });
});

describe("Alibaba emulator: identity reads need a signature", () => {
  async function anonymous(query: string): Promise<{ status: number; code: string }> {
    const response = await fetch(`${emulator.url}/?${query}`, { method: "POST" });
    const body = (await response.json()) as { Code: string };
    return { status: response.status, code: body.Code };
  }

  it("an unsigned GetCallerIdentity or GetRole is refused with MissingAccessKeyId", async () => {
    const from = emulator.requests.length;
    for (const query of [
      "Action=GetCallerIdentity&Version=2015-04-01",
      "Action=GetRole&Version=2015-05-01&RoleName=fc-oss-writer",
    ]) {
      assert.deepEqual(await anonymous(query), { status: 400, code: "MissingAccessKeyId" });
    }
    assert.deepEqual(
      emulator.requests.slice(from).map((r) => r.operation),
      ["STS:GetCallerIdentity", "RAM:GetRole"],
    );
  });
});
