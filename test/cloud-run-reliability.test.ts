// cloud-run-deploy under faults: 429/503 answers are retried with backoff and the deploy completes;
// a deploy operation that outlasts deadline-minutes fails cleanly with one line naming the wait;
// wait: false returns without waiting for the operation. Behind HTTPS_PROXY, the Google APIs are
// addressed by a name no resolver knows (gcp.fngate.test) and only the CONNECT proxy maps it to the
// emulator, so a green run proves every Google call (STS, IAM Credentials, Cloud Run Admin) went
// through a tunnel; the GitHub OIDC request stays on loopback, which @actions/http-client never proxies.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { type CloudRunFixture, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { type ConnectProxy, startConnectProxy } from "./emulators/http/connect-proxy.ts";
import { assertUserFailure } from "./runner/index.ts";

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
  state.faults.push({ path: /\/services\/flaky-fn$/, status: 503, times: 2 });
  state.faults.push({ path: /flaky-fn:setIamPolicy$/, status: 429 });
  await using job = await fx.job();
  const run = await job.run("cloud-run-deploy", { inputs: fx.deployInputs("flaky-fn") });
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  assert.equal(state.faults.length, 0, "every fault was met");
  const statuses = state.requests.filter((r) => r.path.includes("flaky-fn")).map((r) => r.status);
  assert.ok(statuses.includes(503) && statuses.includes(429), statuses.join(","));
  assert.equal(run.outputs.changed, "true");
});

it("a deploy operation that outlasts deadline-minutes fails with one line naming the wait", async () => {
  fx.stack.gcp.setOperationDelay(10 * 60_000);
  const job = await fx.job();
  try {
    const run = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("slow-fn", { "deadline-minutes": "0.03" }),
    });
    assertUserFailure(
      run,
      /^deadline-minutes \(0\.03\) reached while waiting for operation projects\/my-project-123\/locations\/asia-northeast1\/operations\/[0-9a-f-]+ \(deploying projects\/my-project-123\/locations\/asia-northeast1\/services\/[a-z0-9-]+\) to finish; raise deadline-minutes if the step needs longer, or find out what is slow\.$/,
    );
  } finally {
    fx.stack.gcp.setOperationDelay(50);
    await job.dispose();
  }
});

it("wait: false starts the deploy and returns", async () => {
  fx.stack.gcp.setOperationDelay(10 * 60_000);
  const job = await fx.job();
  try {
    const run = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("nowait-fn", { wait: "false" }),
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.changed, "true");
    assert.match(
      run.stdout,
      /Not waiting for projects\/my-project-123\/locations\/asia-northeast1\/operations\//,
    );
  } finally {
    fx.stack.gcp.setOperationDelay(50);
    await job.dispose();
  }
});

it("deploys and gets an ID token with every Google call through the proxy", async () => {
  await using job = await fx.job();
  const env = {
    HTTPS_PROXY: proxy.url,
    FNGATE_GCP_ENDPOINT: `https://${NAME}:${new URL(fx.stack.gcp.url).port}`,
  };
  const deploy = await job.run("cloud-run-deploy", { inputs: fx.deployInputs("proxied-fn"), env });
  assert.equal(deploy.exitCode, 0, deploy.stdout + deploy.stderr);
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
