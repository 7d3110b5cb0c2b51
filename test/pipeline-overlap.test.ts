// The root action's stages side by side: the image is built while preflight and ocir-login run, the
// gateway is deployed while the function is still becoming ACTIVE, the Entra token is fetched
// alongside, and yet every stage's lines land in its own log group and the job summary shows when
// each stage ran. Nothing is written to the cloud or the registry before preflight has cleared the run.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, it } from "node:test";
import { isMutating } from "./emulators/oci/request-log.ts";
import {
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { assertUserFailure } from "./runner/index.ts";
import { section } from "./support/folded-log.ts";
import { seedGatewayFunctionsPolicy } from "./support/gateway-policy.ts";
import { passed } from "./support/passed.ts";
import { assertStagesOwnLines } from "./support/pipeline-stages.ts";
import { timelineRowsOf } from "./support/summary-timeline.ts";

const ACTIVE_DELAY_MS = 3000;
// docker's first build line (legacy builder or BuildKit), and its first push line.
const BUILD_OUTPUT = /^(Step 1\/\d+ : FROM scratch|#\d+ \[internal\] load build definition)/;
const PUSH_OUTPUT = /^The push refers to repository \[/;
let fixture: PipelineFixture;

before(async () => {
  fixture = await startPipelineFixture("overlap", { functionActiveDelayMs: ACTIVE_DELAY_MS });
});
after(async () => {
  await fixture?.close();
});

it("deploys the gateway while the function becomes ACTIVE, each stage's lines inside its own group", async (t) => {
  if (!(await pipelineComponents(t))) return;
  const job = await fixture.job();
  try {
    const { requests } = fixture.oci.stack.oci;
    const from = requests.length;
    const entraRequests = fixture.oci.stack.entra.requests;
    const entraFrom = entraRequests.length;
    const run = passed(await job.run(PIPELINE, { inputs: fixture.inputs("secret", "overlap") }));
    assert.equal(run.outputs.passed, "true");

    // One token request: preflight's, handed to entra-token (same client, scope and authority).
    const tokenRequests = entraRequests.slice(entraFrom).filter((r) => r.path.endsWith("/oauth2/v2.0/token"));
    assert.equal(tokenRequests.length, 1, JSON.stringify(tokenRequests));
    assert.match(
      section(run, "entra-token").join("\n"),
      /\(requested by preflight, valid until \S+: Entra not asked again\)/,
    );

    // Overlap: the deployment was created before the function's last CREATING poll.
    const calls = requests.slice(from);
    const created = calls.find((call) => call.operation === "CreateDeployment");
    const polls = calls.filter((call) => call.operation === "GetFunction");
    assert.ok(created, "the gateway deployment was created");
    assert.ok(
      polls.some((poll) => poll.time > created.time),
      "the function was still being waited for when the deployment was created",
    );

    // Readability: no nesting, and each stage's own lines in its group and in no other; preflight asks
    // for the token entra-token will get, so it logs the same line in its own group.
    assertStagesOwnLines(
      run,
      {
        "fn-context": /^Wrote profile \[DEFAULT\]/,
        "ocir-login": /^Logged in to /,
        "fn-image": /^── docker build /,
        "fn-deploy": /^Function overlap is ACTIVE\.$/,
        "gateway-deploy": /^Work request /,
        "entra-token": /^Got a v1 access token /,
        "smoke-test": /^ok {3}with token: answered 200/,
      },
      ["preflight"],
    );
    // Quiet: docker's legacy-builder notice is not repeated on every build (the step says it once).
    assert.ok(!run.stdout.includes("legacy builder is deprecated"), "no legacy-builder notice");
    // The summary's timeline: gateway-deploy started before fn-deploy ended, after waiting for its OCID.
    assert.match(run.summary, /fngate pipeline: timeline/);
    assert.match(run.summary, /for the function's OCID/);
  } finally {
    await job.runPosts();
    await job.dispose();
  }
});

it("builds the image while preflight still runs, and writes nothing before preflight has cleared the run", async (t) => {
  if (!(await pipelineComponents(t))) return;
  const { oci } = fixture.oci.stack;
  // Preflight's gateway policy check answers late: the build has all that time to run beside it.
  const slowPolicies = oci.faults.add((target) =>
    target.operation === "ListPolicies" ? { delayMs: 6000 } : undefined,
  );
  // docker login takes 2 s: fn-image, which only needs ocir-login's credential, runs beside it.
  const slowLogin = await slowDockerLogin(2);
  const job = await fixture.job();
  try {
    const from = oci.requests.length;
    const run = await job.run(PIPELINE, {
      inputs: fixture.inputs("secret", "alongside", { skip: "entra-token, smoke-test" }),
      env: { PATH: slowLogin.path },
    });
    assert.equal(run.exitCode, 0, run.stdout);
    // The build ran, in fn-image's group; only the push is in fn-deploy's.
    assert.ok(
      section(run, "fn-image").some((line) => /^Successfully built /.test(line)),
      run.stdout,
    );
    assert.ok(
      section(run, "fn-deploy").some((line) => PUSH_OUTPUT.test(line)),
      run.stdout,
    );
    assert.ok(!section(run, "fn-deploy").some((line) => BUILD_OUTPUT.test(line)), "no build in fn-deploy");

    const [preflight, login, image, deploy] = timelineRowsOf(run.summary, [
      "preflight",
      "ocir-login",
      "fn-image",
      "fn-deploy",
    ]);
    // ocir-login and the image ran beside preflight, not after it.
    assert.ok(login && preflight && login.start < preflight.end, "ocir-login started before preflight ended");
    assert.ok(image && preflight && image.start < preflight.end, "fn-image started before preflight ended");
    assert.ok(deploy && preflight && deploy.start >= preflight.end, "fn-deploy waited for preflight");
    // fn-image began while docker login still ran (its Dockerfile pulls nothing from that registry),
    // and fn-deploy's push waited for the login.
    assert.ok(
      image && login && image.start < login.end - 1,
      `fn-image ${image?.start} s, ocir-login ended ${login?.end} s`,
    );
    assert.ok(deploy && login && deploy.start >= login.end, "fn-deploy waited for docker login");

    // The first write (the repository, the push's target) came after preflight's last read.
    const calls = oci.requests.slice(from);
    const policies = calls.findLast((call) => call.operation === "ListPolicies");
    const firstWrite = calls.find(isMutating);
    assert.ok(policies && firstWrite, "preflight read the policies, and the deploy wrote");
    assert.equal(firstWrite.operation, "CreateContainerRepository");
    assert.ok(firstWrite.time >= policies.time, `${firstWrite.operation} after ListPolicies answered`);
    // fn-image listed the repository in its compartment (preflight searches the tenancy's subtree)
    // while preflight still ran, once: fn-deploy then only created it.
    const listings = calls.filter(
      (call) =>
        call.operation === "ListContainerRepositories" &&
        !call.target.includes("compartmentIdInSubtree=true"),
    );
    assert.equal(listings.length, 1, JSON.stringify(listings.map((l) => l.target)));
    assert.ok(
      listings[0] && listings[0].time < policies.time,
      "the repository was listed before preflight answered",
    );
  } finally {
    slowPolicies();
    await job.runPosts();
    await job.dispose();
    await slowLogin.dispose();
  }
});

it("a blocked preflight stops ocir-login's and fn-image's work beside it: no write, no push, and post leaves nothing", async (t) => {
  if (!(await pipelineComponents(t))) return;
  const { state, requests } = fixture.oci.stack.oci;
  // A fresh tenancy has no policy letting API gateways invoke functions: preflight blocks on it.
  for (const policy of state.iam.policiesIn(fixture.oci.tenancyId)) state.iam.deletePolicy(policy.id);
  const job = await fixture.job();
  try {
    const before = await job.snapshot();
    const from = requests.length;
    const run = await job.run(PIPELINE, { inputs: fixture.inputs("secret", "blocked") });
    assertUserFailure(
      run,
      /^preflight: 1 check would fail the deploy, nothing was changed: gateway → functions policy: /,
      fixture.secrets,
    );
    assert.deepEqual(requests.slice(from).filter(isMutating), [], "no mutating OCI call");
    // What ran beside preflight wrote nothing; nothing that writes started.
    assert.ok(run.groups.includes("ocir-login"), run.groups.join(", "));
    for (const writer of ["fn-deploy", "gateway-deploy", "entra-token", "smoke-test"]) {
      assert.ok(!run.groups.includes(writer), `${writer} did not run: ${run.groups.join(", ")}`);
    }
    assert.ok(!run.stdout.includes("The push refers to repository"), "nothing was pushed");
    const posts = await job.runPosts();
    assert.ok(posts.every((post) => post.exitCode === 0));
    assert.deepEqual(
      await job.snapshot(),
      before,
      "docker logged out, HOME and RUNNER_TEMP as before the job",
    );
  } finally {
    seedGatewayFunctionsPolicy(state, fixture.oci.tenancyId);
    await job.dispose();
  }
});

/** The real docker CLI behind a wrapper that takes `seconds` longer for `docker login`. */
async function slowDockerLogin(seconds: number): Promise<{ path: string; dispose(): Promise<void> }> {
  const real = execFileSync("sh", ["-c", "command -v docker"], { encoding: "utf8" }).trim();
  const dir = await mkdtemp(join(tmpdir(), "fngate-slow-login-"));
  await writeFile(
    join(dir, "docker"),
    `#!/bin/sh\nif [ "$1" = login ]; then sleep ${seconds}; fi\nexec ${JSON.stringify(real)} "$@"\n`,
    { mode: 0o755 },
  );
  return {
    path: `${dir}${delimiter}${process.env.PATH ?? ""}`,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
