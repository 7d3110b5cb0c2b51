// fc-deploy's HTTP trigger, run as the runner runs it against the Alibaba emulator: the trigger is
// created with JWT authentication, its URL becomes the url output, the URL answers 200 with a token
// signed by a key of the JWKS and 401 without one, with an expired one or with one signed by another
// key; a re-run makes no mutating call; a changed JWKS updates the trigger; anonymous lets anyone in.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { ENTRA_KEYS_REFUSAL } from "../src/alibaba/trigger-trust.ts";
import {
  accessKeyDeployInputs,
  type StartedAlibabaFixture,
  startAlibabaFixture,
} from "./emulators/alibaba/fixture.ts";
import { isMutatingFcCall } from "./emulators/alibaba/server.ts";
import { closeServer, serveHttpsOnLoopback } from "./emulators/http/loopback-server.ts";
import { assertUserFailure } from "./runner/index.ts";
import { httpsGet } from "./support/https-get.ts";
import { passed } from "./support/passed.ts";

let fx: StartedAlibabaFixture;
let checkout: string;
const keys: {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
  jwk: Record<string, unknown>;
}[] = [];

// A built-in-runtime function that answers an HTTP trigger's v1 event in the mapped response shape.
const HANDLER = `export const handler = async (event) => {
  const request = JSON.parse(event.toString());
  return { statusCode: 200, headers: { "content-type": "text/plain" }, body: "hello " + request.rawPath };
};
`;

// Answers with the claims the trigger forwarded, as the function sees them.
const CLAIMS_ECHO = `export const handler = async (event) => {
  const { headers, queryParameters } = JSON.parse(event.toString());
  return { statusCode: 200, body: JSON.stringify({ aud: headers["x-jwt-aud"], tid: queryParameters.tid }) };
};
`;

before(async () => {
  fx = await startAlibabaFixture();
  checkout = await mkdtemp(join(tmpdir(), "fngate-fc-trigger-"));
  await mkdir(join(checkout, "web"));
  await writeFile(join(checkout, "web", "index.mjs"), HANDLER);
  await mkdir(join(checkout, "echo"));
  await writeFile(join(checkout, "echo", "index.mjs"), CLAIMS_ECHO);
  for (const kid of ["key-1", "key-2"]) {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    keys.push({ kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } });
  }
});
after(async () => {
  await fx?.close();
  if (checkout) await rm(checkout, { recursive: true, force: true });
});

function jwks(...kids: string[]): string {
  return JSON.stringify({ keys: keys.filter((key) => kids.includes(key.kid)).map((key) => key.jwk) });
}

async function token(
  kid: string,
  expiresIn: string | number = "10m",
  claims: Record<string, string> = {},
): Promise<string> {
  const key = keys.find((candidate) => candidate.kid === kid);
  if (!key) throw new Error(kid);
  return new SignJWT({ sub: "smoke", ...claims })
    .setProtectedHeader({ alg: "RS256", kid })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key.privateKey);
}

function deployInputs(name: string, extra: Record<string, string>): Record<string, string> {
  const { "code-path": _path, ...inputs } = accessKeyDeployInputs(fx, name, extra);
  // These tests are about the trigger: it runs the latest code (test/fc-rollout.test.ts covers versions).
  return { ...inputs, "code-path": "web", "http-trigger": "http", rollout: "direct" };
}

const call = (url: string, headers: Record<string, string> = {}) => httpsGet(url, fx.stack.caPem, headers);

describe("fc-deploy with an HTTP trigger", () => {
  let url = "";
  it("creates a JWT trigger and outputs its URL, which takes a valid token and refuses the rest", async () => {
    const run = await fx.deploy(deployInputs("web-jwt", { "http-trigger-jwks": jwks("key-1") }), {
      checkout,
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    url = run.outputs.url ?? "";
    assert.match(url, /^https:\/\/.+\/fc-http\/web-jwt\/http$/);
    assert.match(run.stdout, /Creating HTTP trigger http \(auth jwt, GET, POST\)/);
    const stored = fx.stack.alibaba.state.functionChildren.triggers.get("web-jwt")?.get("http");
    const config = JSON.parse(String(stored?.triggerConfig));
    assert.equal(config.authType, "jwt");
    assert.deepEqual(JSON.parse(config.authConfig), {
      JWKS: JSON.parse(jwks("key-1")),
      TokenLookup: "header:Authorization:Bearer",
    });

    const ok = await call(`${url}/hi`, { authorization: `Bearer ${await token("key-1")}` });
    assert.deepEqual(ok, { status: 200, body: "hello /hi" });
    assert.equal((await call(url)).status, 401, "no token");
    assert.equal(
      (await call(url, { authorization: `Basic ${await token("key-1")}` })).status,
      401,
      "wrong prefix",
    );
    const expired = await token("key-1", Math.floor(Date.now() / 1000) - 60);
    assert.equal((await call(url, { authorization: `Bearer ${expired}` })).status, 401, "expired");
    const otherKey = await token("key-2");
    assert.equal(
      (await call(url, { authorization: `Bearer ${otherKey}` })).status,
      401,
      "key not in the JWKS",
    );
  });

  it("FC checks no aud or iss: any token its keys signed gets in, and the function sees the claims ClaimPassBy forwards", async () => {
    const { "code-path": _path, ...given } = deployInputs("web-claims", {
      "http-trigger-jwks": jwks("key-1"),
      "http-trigger-claim-pass-by": "header:aud:x-jwt-aud,query:tid:tid",
    });
    const run = passed(await fx.deploy({ ...given, "code-path": "echo" }, { checkout }));
    const stored = fx.stack.alibaba.state.functionChildren.triggers.get("web-claims")?.get("http");
    const authConfig = JSON.parse(String(JSON.parse(String(stored?.triggerConfig)).authConfig));
    assert.equal(authConfig.ClaimPassBy, "header:aud:x-jwt-aud,query:tid:tid");
    // Another app's token from another tenant, signed by the same key: the trigger lets it in.
    const foreign = await token("key-1", "10m", { aud: "https://management.azure.com", tid: "other-tenant" });
    const answer = await call(`${run.outputs.url}?tid=spoofed`, {
      authorization: `Bearer ${foreign}`,
      "x-jwt-aud": "api://spoofed",
    });
    assert.equal(answer.status, 200);
    // What the caller sent under those names is replaced by the token's claims.
    assert.deepEqual(JSON.parse(answer.body), { aud: "https://management.azure.com", tid: "other-tenant" });
  });

  it("Entra's keys read from another address are still Entra's: refused without function-checks-claims, before any change", async () => {
    // A mirror of a tenant's v2 keys, which name their issuer.
    const issuer = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0";
    const mirror = await serveHttpsOnLoopback(fx.stack.tls, "keys mirror", async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: keys.map((key) => ({ ...key.jwk, issuer })) }));
    });
    try {
      const run = await fx.deploy(
        deployInputs("web-mirror", { "http-trigger-jwks-url": `${mirror.url}/jwks.json` }),
        { checkout },
      );
      assertUserFailure(run, ENTRA_KEYS_REFUSAL, [fx.accessKey.secret]);
      assert.equal(fx.stack.alibaba.state.functions.has("web-mirror"), false);
    } finally {
      await closeServer(mirror.server);
    }
  });

  it("a re-run with nothing changed makes no mutating call and keeps the URL", async () => {
    const before = fx.stack.alibaba.requests.length;
    const run = await fx.deploy(deployInputs("web-jwt", { "http-trigger-jwks": jwks("key-1") }), {
      checkout,
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.url, url);
    assert.equal(run.outputs.changed, "false");
    assert.match(run.stdout, /HTTP trigger http is up to date: nothing changed, no update made\./);
    assert.deepEqual(fx.stack.alibaba.requests.slice(before).filter(isMutatingFcCall), []);
  });

  it("a new JWKS (key order aside) updates the trigger, and the new key's tokens get in", async () => {
    const before = fx.stack.alibaba.requests.length;
    const run = await fx.deploy(deployInputs("web-jwt", { "http-trigger-jwks": jwks("key-2", "key-1") }), {
      checkout,
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.changed, "true");
    assert.match(run.stdout, /Updating HTTP trigger http: jwks changed\./);
    const mutating = fx.stack.alibaba.requests
      .slice(before)
      .filter(isMutatingFcCall)
      .map((entry) => entry.operation);
    assert.deepEqual(mutating, ["UpdateTrigger"]);
    const ok = await call(url, { authorization: `Bearer ${await token("key-2")}` });
    assert.equal(ok.status, 200);
  });

  it("reads the token where http-trigger-token-lookup says", async () => {
    const run = await fx.deploy(
      deployInputs("web-query", {
        "http-trigger-jwks": jwks("key-1"),
        "http-trigger-token-lookup": "query:token",
      }),
      { checkout },
    );
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const target = `${run.outputs.url}/q?token=${await token("key-1")}`;
    assert.equal((await call(target)).status, 200);
    assert.equal(
      (await call(run.outputs.url ?? "", { authorization: `Bearer ${await token("key-1")}` })).status,
      401,
    );
  });

  it("anonymous is asked for by name and lets anyone call", async () => {
    const run = await fx.deploy(deployInputs("web-taken", { "http-trigger-auth": "anonymous" }), {
      checkout,
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(await call(`${run.outputs.url}/open`), { status: 200, body: "hello /open" });
  });

  it("a trigger of another type under the same name is the user's to rename", async () => {
    // The function the test above made, its trigger turned into a timer trigger.
    const stored = fx.stack.alibaba.state.functionChildren.triggers.get("web-taken")?.get("http");
    if (stored) stored.triggerType = "timer";
    const run = await fx.deploy(deployInputs("web-taken", { "http-trigger-auth": "anonymous" }), {
      checkout,
    });
    assertUserFailure(
      run,
      /http-trigger: function web-taken already has a timer trigger named http: choose another http-trigger name\./,
      [fx.accessKey.secret],
    );
  });
  it("a JWKS URL that does not answer keys fails before any change, with one line naming http-trigger-jwks-url", async () => {
    const url = `https://${fx.stack.entra.host}/no-such-tenant.example/discovery/v2.0/keys`;
    const run = await fx.deploy(
      deployInputs("web-nokeys", { "http-trigger-jwks-url": url, "function-checks-claims": "true" }),
      { checkout },
    );
    assertUserFailure(
      run,
      /^http-trigger-jwks-url: the JWKS at https:\/\/127\.0\.0\.1:\d+ answered \d{3}: check the URL, or give the keys as http-trigger-jwks\.$/,
      fx.secrets(),
    );
    assert.equal(fx.stack.alibaba.state.functions.has("web-nokeys"), false, "no function half-deployed");
  });
});
