// cloud-run-deploy under faults: 429/503 answers are retried with backoff and the deploy completes;
// a deploy operation that outlasts deadline-minutes fails cleanly with one line naming the wait;
// wait: false returns without waiting for the operation. Behind HTTPS_PROXY, the Google APIs are
// addressed by a name no resolver knows (gcp.fngate.test) and only the CONNECT proxy maps it to the
// emulator, so a green run proves every Google call (STS, IAM Credentials, Cloud Run Admin) went
// through a tunnel; the GitHub OIDC request stays on loopback, which @actions/http-client never proxies.
// And no secret of the Cloud Run path reaches what a workflow shows (log with debug on, summary, outputs
// other than the masked token, exported env, state, files): the service account key JSON, the ID
// tokens, and the job's GitHub OIDC tokens exchanged with STS, which are masked before use.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { decodeJwt } from "jose";
import { type CloudRunFixture, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { type ConnectProxy, startConnectProxy } from "./emulators/http/connect-proxy.ts";
import { printFigure } from "./reliability/figures.ts";
import { assertUserFailure, type StepResult } from "./runner/index.ts";
import { passed } from "./support/passed.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

const NAME = "gcp.fngate.test";
let fx: CloudRunFixture;
let proxy: ConnectProxy;

before(async () => {
  fx = await startCloudRunFixture({ dnsNames: [NAME] });
  proxy = await startConnectProxy({ resolve: [".fngate.test"] });
});
after(async () => {
  await proxy?.close();
  await fx?.close();
});

it("retries 503 on reads and 429 on the IAM write, then completes", async () => {
  const { state } = fx.stack.gcp;
  state.faults.next(2, { status: 503 }, /\/services\/flaky-fn$/);
  state.faults.next(1, { status: 429 }, /flaky-fn:setIamPolicy$/);
  await using job = await fx.job();
  const run = passed(await job.run("cloud-run-deploy", { inputs: fx.deployInputs("flaky-fn") }));
  assert.equal(state.faults.pending, 0, "every fault was met");
  const statuses = state.requests.filter((r) => r.path.includes("flaky-fn")).map((r) => r.status);
  assert.ok(statuses.includes(503) && statuses.includes(429), statuses.join(","));
  assert.equal(run.outputs.changed, "true");
});

it("an operation that runs on: deadline-minutes fails with one line naming the wait; wait: false returns at once", async () => {
  fx.stack.gcp.setOperationDelay(10 * 60_000);
  await using job = await fx.job();
  try {
    const slow = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("slow-fn", { "deadline-minutes": "0.03" }),
    });
    assertUserFailure(
      slow,
      /^deadline-minutes \(0\.03\) reached while waiting for operation projects\/my-project-123\/locations\/asia-northeast1\/operations\/[0-9a-f-]+ \(deploying projects\/my-project-123\/locations\/asia-northeast1\/services\/[a-z0-9-]+\) to finish; raise deadline-minutes if the step needs longer, or find out what is slow\.$/,
    );
    const nowait = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("nowait-fn", { wait: "false" }),
    });
    assert.equal(nowait.exitCode, 0, nowait.stdout + nowait.stderr);
    assert.equal(nowait.outputs.changed, "true");
    assert.match(
      nowait.stdout,
      /Not waiting for projects\/my-project-123\/locations\/asia-northeast1\/operations\//,
    );
  } finally {
    fx.stack.gcp.setOperationDelay(50);
  }
});

it("deploys and gets an ID token with every Google call through the proxy", async () => {
  await using job = await fx.job();
  const env = {
    HTTPS_PROXY: proxy.url,
    FNGATE_GCP_ENDPOINT: `https://${NAME}:${new URL(fx.stack.gcp.url).port}`,
  };
  const deploy = passed(await job.run("cloud-run-deploy", { inputs: fx.deployInputs("proxied-fn"), env }));
  const afterDeploy = proxy.countFor(NAME);
  assert.ok(afterDeploy >= 1, `tunnels to ${NAME}: ${afterDeploy}`);
  const token = await job.run("gcp-id-token", {
    inputs: {
      audience: deploy.outputs.url ?? "",
      "workload-identity-provider": fx.provider,
      "service-account": fx.caller.email,
    },
    env,
  });
  assert.equal(token.exitCode, 0, token.stdout + token.stderr);
  assert.ok(proxy.countFor(NAME) > afterDeploy, "the token calls tunnelled too");
  assert.deepEqual(proxy.plainRequests, []);
});

it("key JSON, ID tokens and GitHub OIDC tokens never show, with debug logging on", async () => {
  await using job = await fx.job();
  const runs: StepResult[] = [];
  const keyDeploy = await job.run("cloud-run-deploy", {
    inputs: fx.deployInputs("secret-fn", {
      "workload-identity-provider": "",
      "service-account": "",
      "credentials-json": fx.deployer.json,
    }),
    debug: true,
  });
  assert.equal(keyDeploy.exitCode, 0, keyDeploy.stdout + keyDeploy.stderr);
  runs.push(keyDeploy);
  const url = keyDeploy.outputs.url ?? "";
  const federatedDeploy = await job.run("cloud-run-deploy", {
    inputs: fx.deployInputs("secret-fn"),
    debug: true,
  });
  assert.equal(federatedDeploy.exitCode, 0, federatedDeploy.stdout + federatedDeploy.stderr);
  runs.push(federatedDeploy);
  const federatedToken = await job.run("gcp-id-token", {
    inputs: {
      audience: url,
      "workload-identity-provider": fx.provider,
      "service-account": fx.caller.email,
    },
    debug: true,
  });
  const keyToken = await job.run("gcp-id-token", {
    inputs: { audience: url, "credentials-json": fx.caller.json },
    debug: true,
  });
  for (const run of [federatedToken, keyToken]) {
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.ok(run.masks.includes(run.outputs["id-token"] ?? "-"), "the ID token is masked");
    assert.equal(run.outputs.audience, url);
    assert.equal(run.outputs.email, fx.caller.email);
    assert.equal(run.outputs.issuer, "https://accounts.google.com");
    runs.push(run);
  }
  const smoke = await job.run("smoke-test", {
    inputs: { url, token: federatedToken.outputs["id-token"] ?? "", "unauthorized-status": "401, 403" },
    debug: true,
  });
  assert.equal(smoke.exitCode, 0, smoke.stdout + smoke.stderr);
  runs.push(smoke);

  // The GitHub OIDC tokens the steps fetched were masked before STS saw them.
  const githubTokens = runs
    .flatMap((run) => run.masks)
    .filter((mask) => /^ey[\w-]+\.[\w-]+\.[\w-]+$/.test(mask))
    .filter((mask) => decodeJwt(mask).iss === fx.stack.githubOidc.issuer);
  assert.ok(githubTokens.length >= 2, `GitHub OIDC tokens masked: ${githubTokens.length}`);

  const secrets = [
    fx.deployer.json,
    fx.caller.json,
    JSON.parse(fx.deployer.json).private_key as string,
    JSON.parse(fx.caller.json).private_key as string,
    federatedToken.outputs["id-token"] ?? "",
    keyToken.outputs["id-token"] ?? "",
    ...githubTokens,
    ...runs.flatMap((run) => run.masks),
  ];
  // Every access token the emulator issued (STS, IAM Credentials, OAuth2), none of which a step prints.
  const accessTokens = [...fx.stack.gcp.state.tokens.keys()];
  assert.ok(accessTokens.length > 0);
  const everySecret = [...new Set([...secrets, ...accessTokens].filter((secret) => secret !== ""))];
  // Scanned once per run: the figure counts what the assertions below then require to be nothing.
  const scans = runs.map((run) => {
    const shown = shownByStep(run, ["id-token"]);
    return { run, shown, found: secretsFound(shown, everySecret) };
  });
  const bytes = scans.reduce((sum, scan) => sum + Buffer.byteLength(scan.shown), 0);
  const found = scans.reduce((sum, scan) => sum + scan.found.length, 0);
  printFigure(
    "CR-R1",
    "Cloud Run secrets (key JSON, private keys, ID tokens, GitHub OIDC and Google access tokens; debug logging on)",
    `${found} secret occurrences in ${bytes.toLocaleString("en-US")} bytes over ${runs.length} runs (${everySecret.length} secrets)`,
  );
  for (const { run, shown, found: inRun } of scans) {
    assert.deepEqual(inRun, [], `a secret shows in ${run.action}`);
    assert.doesNotMatch(shown, /ya29\.|Bearer ey/, `no bearer credential in ${run.action}`);
  }
});
