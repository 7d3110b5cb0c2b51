// fn-deploy through the runner harness, in a job that runs fn-context and ocir-login first, against the
// OCI emulator (Functions, Artifacts, invoke through the real Fn FDK) and, where the machine has them,
// the real Docker engine and distribution registry.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isMutating } from "./emulators/oci/request-log.ts";
import { assertUserFailure } from "./runner/index.ts";
import { type FnDeployFixture, startFnDeployFixture } from "./support/fn-deploy-fixture.ts";
import type { OciFixture } from "./support/oci-fixture.ts";
import { passed, stepPassed } from "./support/passed.ts";
import { requireDockerAndRegistry } from "./support/real-components.ts";

// Characters a shell would read: the token must reach docker login untouched.
const TOKEN = "t0K3n;fn(deploy)Zx9";
const CONFIG_SECRET = `s3cr3t-${process.pid}-value`;
const SHA = "0123456789abcdef0123456789abcdef01234567";
const ZERO_DIGEST = `sha256:${"0".repeat(64)}`;
const APPLICATION = "fngate-apps";

let fx: FnDeployFixture;
let oci: OciFixture;

before(async () => {
  fx = await startFnDeployFixture("fn-deploy", { authToken: TOKEN });
  oci = fx.oci;
  const { state } = oci.stack.oci;
  state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: APPLICATION });
  state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: "fngate-api" });
  state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: "billing" });
});
after(async () => {
  await fx?.close();
});

/** A job that has run fn-context (and ocir-login when asked) in a checkout of the function, at SHA. */
const preparedJob = ({ login }: { login: boolean }) => fx.preparedJob({ login, env: { GITHUB_SHA: SHA } });

function deployInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    application: APPLICATION,
    "compartment-ocid": oci.tenancyId,
    // The job's workspace is a checkout of functionDir.
    path: ".",
    registry: `${fx.registry?.host ?? "127.0.0.1:5999"}/${oci.namespace}`,
    ...overrides,
  };
}

function mutatingCalls(): number {
  // An invoke is a POST but changes nothing deployed; it is counted apart.
  return oci.stack.oci.requests.filter((entry) => isMutating(entry) && entry.operation !== "InvokeFunction")
    .length;
}

describe("fn-deploy builds, pushes and deploys with docker and the SDK", () => {
  it("creates the function pinned to the pushed digest, it turns ACTIVE and answers; an update that loses a race is retried", async (t) => {
    if (!(await requireDockerAndRegistry(t))) return;
    await using job = await preparedJob({ login: true });
    const inputs = deployInputs({ config: `GREETING=${CONFIG_SECRET}\nMODE=test`, invoke: "{}" });
    const first = passed(await job.run("fn-deploy", { inputs }));
    const image = `${fx.registry?.host}/${oci.namespace}/hello:0.0.1-0123456`;
    assert.equal(first.outputs.image, image);
    assert.match(first.outputs.digest ?? "", /^sha256:[a-f0-9]{64}$/);
    assert.equal(first.outputs.changed, "true");
    assert.equal(first.outputs["previous-image"], undefined, "a created function ran nothing before");
    assert.deepEqual(JSON.parse(first.outputs["invoke-response"] ?? ""), { message: "Hello World" });
    assert.equal(first.outputs["invoke-endpoint"], oci.stack.endpoints.oci);

    const fn = oci.stack.oci.state.fn.functions.get(first.outputs["function-id"] ?? "");
    assert.ok(fn, "the function exists");
    assert.equal(oci.stack.oci.state.fn.settle(fn).lifecycleState, "ACTIVE");
    assert.equal(fn.image, image);
    assert.equal(fn.imageDigest, first.outputs.digest);
    assert.equal(fn.memoryInMBs, 256);
    assert.equal(fn.timeoutInSeconds, 30);
    assert.deepEqual(fn.config, { GREETING: CONFIG_SECRET, MODE: "test" });
    // The tenancy's tag defaults tagged it (Oracle-Tags): the re-runs below compare against that.
    const tags = structuredClone(fn.definedTags);
    assert.deepEqual(Object.keys(tags["Oracle-Tags"] as object), ["CreatedBy", "CreatedOn"]);
    const repositories = [...oci.stack.oci.state.artifacts.repositories.values()].filter(
      (repository) => repository.displayName === "hello",
    );
    assert.equal(repositories.length, 1);
    assert.equal(repositories[0]?.isPublic, false);
    assert.match(first.summary, /Config keys.*GREETING, MODE/s);

    // A re-run with the same inputs changes nothing: fn-deploy-image-reuse (this action) and
    // pipeline-rollout (the root action), with the previous image pinned by digest.
    // A concurrent writer between our read and our write: the update is re-read and retried.
    oci.stack.oci.faults.next(
      1,
      { status: 412, code: "PreconditionFailed" },
      { operations: ["UpdateFunction"] },
    );
    const updatesBefore = oci.stack.oci.requests.filter((e) => e.operation === "UpdateFunction").length;
    const update = await stepPassed(job, "fn-deploy", { ...inputs, memory: "512" });
    assert.equal(update.outputs.changed, "true");
    // What a later step would deploy again to roll back: the image it ran, pinned by digest.
    const pinned = `${fx.registry?.host}/${oci.namespace}/hello@${first.outputs.digest}`;
    assert.equal(update.outputs["previous-image"], pinned);
    assert.match(update.stdout, /Updated function hello: memoryInMBs changed/);
    assert.equal(fn.memoryInMBs, 512);
    assert.deepEqual(fn.definedTags, tags, "an update leaves tags fn-deploy did not set alone");
    const updates = oci.stack.oci.requests
      .filter((e) => e.operation === "UpdateFunction")
      .slice(updatesBefore);
    assert.deepEqual(
      updates.map((e) => e.status),
      [412, 200],
    );

    const posts = await job.runPosts();
    assert.ok(posts.every((post) => post.exitCode === 0));
    assert.deepEqual(await job.snapshot(), job.before, "HOME/RUNNER_TEMP differ from before the job");
    const written = await job.allWrittenText();
    const auth = Buffer.from(`${oci.namespace}/ci-user:${fx.authToken}`).toString("base64");
    for (const secret of [fx.authToken, auth, CONFIG_SECRET]) {
      assert.ok(!written.includes(secret), "a secret shows in what the job wrote");
    }
  });

  it("a prebuilt image tag that was never pushed is explained", async (t) => {
    if (!(await requireDockerAndRegistry(t))) return;
    await using job = await preparedJob({ login: true });
    const calls = mutatingCalls();
    const run = await job.run("fn-deploy", {
      inputs: deployInputs({
        function: "never",
        image: `${fx.registry?.host}/${oci.namespace}/hello:never-pushed`,
      }),
    });
    assertUserFailure(
      run,
      /^image .*hello:never-pushed does not exist in the registry \(.*\): push it first/,
      [fx.authToken],
    );
    assert.equal(mutatingCalls(), calls, "nothing was deployed");
  });
});

describe("fn-deploy explains what the user can fix", () => {
  it("a missing application lists the closest names in the compartment", async () => {
    await using job = await preparedJob({ login: false });
    const run = await job.run("fn-deploy", {
      inputs: deployInputs({
        application: "fngateapps",
        image: `127.0.0.1:5999/${oci.namespace}/hello@${ZERO_DIGEST}`,
      }),
    });
    assertUserFailure(
      run,
      /^application "fngateapps" not found in compartment ocid1\.tenancy\.[^;]+; closest names there: fngate-apps, fngate-api, billing\./,
    );
  });

  it("an image the application cannot pull fails the test invoke with the private-subnet explanation", async () => {
    await using job = await preparedJob({ login: false });
    const run = await job.run("fn-deploy", {
      inputs: deployInputs({
        function: "ghost",
        image: `127.0.0.1:5999/${oci.namespace}/ghost@${ZERO_DIGEST}`,
        invoke: "{}",
      }),
    });
    assertUserFailure(
      run,
      /^invoke: function ghost could not start: OCI said "Failed to pull function image" \(502 FunctionInvokeImageNotAvailable\)\..*subnet cannot reach OCIR: a private subnet needs a service gateway/,
    );
    assert.match(run.stdout, /Created function ghost/);
  });
});
