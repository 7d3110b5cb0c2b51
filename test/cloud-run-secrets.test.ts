// No secret of the Cloud Run path reaches what a workflow shows (log with debug on, summary, outputs
// other than the masked token, exported env, state, files): the service account key JSON, the ID
// tokens, and the job's GitHub OIDC tokens exchanged with STS, which are masked before use.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { decodeJwt } from "jose";
import { type CloudRunFixture, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { printFigure } from "./reliability/figures.ts";
import type { StepResult } from "./runner/index.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

let fx: CloudRunFixture;
before(async () => {
  fx = await startCloudRunFixture();
});
after(async () => {
  await fx?.close();
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
