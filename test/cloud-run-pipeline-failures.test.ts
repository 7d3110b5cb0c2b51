// The Cloud Run pipeline when something fails: a stage that fails stops the one beside it at once (the
// deploy's operation is not waited out) with the failing stage's own message, and the post step still
// runs; inputs the pipeline adds to its stages' (the smoke caller) are refused with one line naming the
// input and the fix, by the action and the CLI alike, before any call.
// A new service has no previous revision to keep the traffic on, so its first revision serves as soon as
// it is ready. Under verify-then-promote, when that revision fails the smoke test the service this run
// created is deleted (cloud-run-rollout-build.test.ts proves it with real builds). When the deletion
// fails, the one error line says what is live and what to do, and rolled-back stays false; direct keeps
// today's behaviour (nothing is deleted).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type CloudRunFixture,
  IMAGE,
  IMAGE_V2,
  PROJECT,
  REGION,
  startCloudRunFixture,
} from "./emulators/gcp/fixture.ts";
import { assertUserFailure } from "./runner/index.ts";
import { section } from "./support/folded-log.ts";
import { cliRefusal, refusalTable, tripwire } from "./support/input-table.ts";
import { serviceAccountKeyJson } from "./support/keys.ts";
import { passed } from "./support/passed.ts";

const ACTION = "cloud-run-pipeline";
const OPERATION_MS = 20_000;
let fx: CloudRunFixture;
before(async () => {
  fx = await startCloudRunFixture();
});
after(async () => {
  await fx?.close();
});

it("a failed token stage stops the deploy's wait; the error is the token's; the post step still runs", async () => {
  await using job = await fx.job();
  const inputs = fx.deployInputs("cancel-fn", { "invoker-service-account": fx.caller.email });
  passed(await job.run(ACTION, { inputs }));
  fx.stack.gcp.setOperationDelay(OPERATION_MS);
  try {
    const from = fx.stack.gcp.state.requests.length;
    const started = performance.now();
    // The outsider's account may not be impersonated by this repository: the token stage fails.
    const run = await job.run(ACTION, {
      inputs: { ...inputs, image: IMAGE_V2, "invoker-service-account": fx.outsider.email },
    });
    const ms = performance.now() - started;
    // gcp-id-token's own message, naming the pipeline's input for the smoke caller.
    assertUserFailure(
      run,
      /^invoker-service-account: the federated identity may not impersonate the service account .*grant roles\/iam\.workloadIdentityUser/,
    );
    assert.ok(ms < OPERATION_MS / 2, `stopped after ${Math.round(ms)} ms, not after the operation`);
    // The deploy had started its update, and its group shows it; the smoke test never ran.
    assert.ok(
      section(run, "cloud-run-deploy").some((line) => /^Updating service /.test(line)),
      run.stdout,
    );
    const calls = fx.stack.gcp.state.requests.slice(from);
    assert.ok(calls.some((call) => call.method === "PATCH"));
    assert.equal(run.outputs.passed, undefined);
    const [post] = await job.runPosts();
    assert.equal(post?.exitCode, 0, post?.stdout);
    assert.match(post?.stdout ?? "", /Nothing to clean up: no registry login was made\./);
  } finally {
    fx.stack.gcp.setOperationDelay(50);
  }
});

it("a failed deploy stops the token stage at once, with the deploy's message", async () => {
  await using job = await fx.job();
  // The service the test above made: the token stage only runs beside a deploy that updates one.
  const inputs = fx.deployInputs("cancel-fn", { "invoker-service-account": fx.caller.email });
  // Minting the token now takes 20 s; the update names an image Cloud Run cannot pull.
  fx.stack.gcp.state.idTokenDelayMs = OPERATION_MS;
  try {
    const started = performance.now();
    const run = await job.run(ACTION, {
      inputs: { ...inputs, image: "asia-northeast1-docker.pkg.dev/my-project-123/functions/missing:1" },
    });
    const ms = performance.now() - started;
    assertUserFailure(run, /functions\/missing:1/);
    assert.ok(ms < OPERATION_MS / 2, `stopped after ${Math.round(ms)} ms, not after the token`);
    assert.equal(run.outputs.passed, undefined);
  } finally {
    fx.stack.gcp.state.idTokenDelayMs = 0;
  }
});

it("a failed smoke check fails the step with its verdict; the deploy's outputs are still set", async () => {
  await using job = await fx.job();
  const run = await job.run(ACTION, {
    inputs: fx.deployInputs("verdict-fn", {
      "invoker-service-account": fx.caller.email,
      "expect-body": "Goodbye",
      wait: "0",
    }),
  });
  assertUserFailure(run, /with token/);
  assert.equal(run.outputs.passed, "false");
  assert.equal(run.outputs.changed, "true");
  assert.match(run.outputs.url ?? "", /^https:\/\/127\.0\.0\.1:\d+\/verdict-fn-/);
  assert.match(run.summary, /fngate cloud-run-pipeline: smoke test FAILED/);
});

describe("the inputs the pipeline adds to its stages': one line naming the input and the fix, before any call", () => {
  const keyOf = (name: string) => serviceAccountKeyJson(`${name}@${PROJECT}.iam.gserviceaccount.com`);
  // In process (test/support/input-table.ts), federated as in a job that may mint GitHub OIDC tokens.
  const federated = {
    project: PROJECT,
    region: REGION,
    service: "refused-fn",
    image: IMAGE,
    "workload-identity-provider": `projects/123456789012/locations/global/workloadIdentityPools/github-pool/providers/github`,
    "service-account": `deployer@${PROJECT}.iam.gserviceaccount.com`,
    "invoker-credentials-json": keyOf("caller"),
  };
  // The job's GitHub OIDC token endpoint is the tripwire too: fetching a token would count as a call.
  const oidcJob = async () => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: `${(await tripwire()).url}/token`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t",
  });
  refusalTable(ACTION, async () => ({ inputs: federated, env: await oidcJob() }), {
    "both ways to sign in": [
      { "invoker-service-account": "caller@my-project-123.iam.gserviceaccount.com" },
      "invoker-credentials-json and invoker-service-account are both set: keep exactly one way for the smoke test to sign in.",
    ],
    "a provider for no invoker service account": [
      {
        "invoker-credentials-json": undefined,
        "invoker-workload-identity-provider":
          "projects/1/locations/global/workloadIdentityPools/p/providers/q",
      },
      "invoker-workload-identity-provider is set without invoker-service-account: set the service account the smoke test calls as, or remove the provider.",
    ],
    "a JWKS over plain http": [
      { "jwks-uri": "http://www.googleapis.com/oauth2/v3/certs" },
      "jwks-uri must be the https:// URL of the JWKS that signs the service's tokens: Google's is https://www.googleapis.com/oauth2/v3/certs.",
    ],
    "a key that is not JSON": [
      { "invoker-credentials-json": "not a key" },
      /^invoker-credentials-json is not JSON: pass the whole service account key file/,
    ],
    // The pipeline's own rollout: it always smoke-tests before a promotion.
    "promote in the pipeline": [
      { rollout: "promote" },
      `rollout must be verify-then-promote or direct (got "promote"): verify-then-promote smoke-tests a revision before it takes traffic, direct gives it the traffic at once.`,
    ],
    "traffic 0 in the pipeline": [
      { traffic: "0" },
      `traffic must be a whole percent from 1 to 100 (got "0"): 100 moves all traffic to the new revision, 10 gives it a 10% canary share.`,
    ],
    "a canary with rollout direct": [
      { rollout: "direct", traffic: "10" },
      "traffic is 10 but rollout is direct, which sends all traffic to the new revision: set rollout: verify-then-promote for a canary share, or drop traffic.",
    ],
  });

  it("invoker-service-account with a key-deployed pipeline (no provider to go through), on the command line", async () => {
    const open = { ...federated, "invoker-service-account": `caller@${PROJECT}.iam.gserviceaccount.com` };
    const keyed = { ...open, "workload-identity-provider": undefined, "service-account": undefined };
    assert.equal(
      await cliRefusal(ACTION, {
        inputs: { ...keyed, "invoker-credentials-json": undefined },
        env: { FNGATE_CREDENTIALS_JSON: keyOf("deployer") },
      }),
      "invoker-service-account is set but no workload identity provider is: the smoke test signs in as it keylessly; set invoker-workload-identity-provider (or workload-identity-provider, which it defaults to), or give invoker-credentials-json instead.",
    );
  });
});

describe("a new service whose first revision fails the smoke test", () => {
  const nameOf = (service: string) => `projects/${PROJECT}/locations/${REGION}/services/${service}`;

  /** The emulator's own hello function answers "Hello World!": expecting "Goodbye" fails the smoke test. */
  function failingInputs(service: string, overrides: Record<string, string> = {}): Record<string, string> {
    return {
      ...fx.deployInputs(service),
      "invoker-service-account": fx.caller.email,
      "expect-body": "Goodbye",
      ...overrides,
    };
  }

  it("the failed first revision's service cannot be deleted: one line says it is live and how to remove it", async () => {
    const service = "first-undeletable";
    const path = `/v2/${nameOf(service)}`;
    const { state } = fx.stack.gcp;
    // Fault targets are paths, and GET and DELETE share this one: the deploy reads the service twice (404
    // before it exists, 200 once deployed); the call on it after that is the deletion. A deployer whose
    // role lacks run.services.delete gets exactly this 403.
    const deployedRead = () =>
      state.requests.some((r) => r.method === "GET" && r.status === 200 && r.path.split("?")[0] === path);
    const removeFault = state.faults.add((target) =>
      target === path && deployedRead() ? { status: 403 } : undefined,
    );
    await using job = await fx.job();
    const run = await job.run(ACTION, { inputs: failingInputs(service) }).finally(removeFault);
    const line = assertUserFailure(run, /^Revision /);
    const deletes = state.requests.filter((r) => r.method === "DELETE" && r.path.split("?")[0] === path);
    assert.deepEqual(
      deletes.map((r) => r.status),
      [403],
      "one deletion, refused (403 is not retried)",
    );
    const revision = run.outputs.revision ?? "";
    assert.match(revision, new RegExp(`^${service}-`));
    const own = `Revision ${revision} failed the smoke test and is LIVE: it is the first revision of a service this run created, and deleting the service failed (${fx.deployer.email} may not delete service ${service} in project ${PROJECT} (Injected fault.): grant it roles/run.admin on the project (or roles/run.developer and roles/iam.serviceAccountUser on the runtime service account), and check project is the project ID), so it serves all traffic at ${run.outputs.url}: delete the service (gcloud run services delete ${service} --region ${REGION} --project ${PROJECT}) or deploy a fixed build before callers rely on it.`;
    assert.equal(line.slice(0, own.length + 1), `${own} `, line);
    assert.match(line.slice(own.length + 1), /^smoke test failed, 1 of 5 checks: with token /);
    assert.ok(state.services.has(nameOf(service)), "the service is still there, as the line says");
    assert.equal(run.outputs.promoted, "false");
    assert.equal(run.outputs["rolled-back"], "false", "the failed revision serves: nothing was rolled back");
    assert.equal(run.outputs.traffic, `${revision}=100`);
  });

  it("direct keeps today's behaviour: a new service whose smoke test fails is left as deployed", async () => {
    const service = "first-direct";
    await using job = await fx.job();
    const run = await job.run(ACTION, { inputs: failingInputs(service, { rollout: "direct" }) });
    assertUserFailure(run, /^smoke test failed, 1 of 5 checks: with token /);
    assert.ok(fx.stack.gcp.state.services.has(nameOf(service)), "nothing was deleted");
    assert.equal(
      fx.stack.gcp.state.requests.filter(
        (r) => r.method === "DELETE" && r.path.includes(`/services/${service}`),
      ).length,
      0,
      "no deletion was asked for",
    );
    assert.equal(run.outputs["rolled-back"], "false");
  });
});
