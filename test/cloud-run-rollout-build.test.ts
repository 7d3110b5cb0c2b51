// A bad build never takes traffic. The function is built from the job's workspace with the real Docker
// engine and pushed to a real registry (as in cloud-run-build.test.ts); the emulator serves each revision
// with the function its own image holds (image-function.ts pulls the image and runs its /function.mjs).
// A good build is promoted; then a build whose function crashes is deployed with no traffic, fails the
// smoke test on its tag's URL, and never serves: the main URL answers with the old code all through the
// run and after it, the traffic is what it was, and the failed revision's tag is gone (rolled-back=true).
// A new service's first revision serves at once (there is nothing to keep the traffic on): when its
// build fails, the service the run created is deleted, so nothing serves it.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { type CloudRunFixture, PROJECT, REGION, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { assertUserFailure, type Job } from "./runner/index.ts";
import { type ArtifactRegistry, startArtifactRegistry } from "./support/artifact-registry-world.ts";
import { bearer, httpsGet } from "./support/https-get.ts";
import { stepPassed } from "./support/passed.ts";
import { requireDockerAndRegistry as components } from "./support/real-components.ts";

const DOCKERFILE = "FROM scratch\nCOPY function.mjs /function.mjs\n";
const GOOD =
  "export default ({ query }) => ({ status: 200, body: 'Hello ' + (query.get('name') ?? 'World') + '!' });\n";
// The bad build: a change that crashes on every request (a container answering 500).
const BAD =
  "export default ({ query }) => ({ status: 200, body: 'Hello ' + query.get('name').trim() + '!' });\n";

let fx: CloudRunFixture;
let registry: ArtifactRegistry | undefined;
before(async () => {
  fx = await startCloudRunFixture();
  registry = await startArtifactRegistry(fx, { serveImageFunction: true });
});
after(async () => {
  await fx?.close();
  await registry?.registry.close();
});

async function writeFunction(job: Job, source: string): Promise<void> {
  const dir = join(job.workspace, "fn");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "Dockerfile"), DOCKERFILE);
  await writeFile(join(dir, "function.mjs"), source);
}

/** The pipeline's inputs for `service`, its image built from the workspace's fn folder. */
const builtInputs = (service: string) => ({
  ...fx.deployInputs(service, {
    path: "fn",
    image: registry?.tagOf(service) ?? "",
    "registry-login": "always",
  }),
  "invoker-service-account": fx.caller.email,
  "expect-body": "Hello World!",
});

/** An ID token of the caller (who holds roles/run.invoker) for `url`. */
async function callerToken(job: Job, url: string): Promise<string> {
  const inputs = {
    audience: url,
    "workload-identity-provider": fx.provider,
    "service-account": fx.caller.email,
  };
  return (await stepPassed(job, "gcp-id-token", inputs)).outputs["id-token"] ?? "";
}

async function call(url: string, token: string): Promise<string> {
  const { status, body } = await httpsGet(url, fx.stack.caPem, bearer(token));
  return `${status} ${body}`;
}

it("a build whose function fails the smoke test never serves; the old code answers during and after", async (t) => {
  if (!(await components(t))) return;
  await using job = await fx.job();
  const inputs = builtInputs("rollout-built");
  const name = `projects/${PROJECT}/locations/${REGION}/services/rollout-built`;
  const revisions = () => (fx.stack.gcp.state.services.get(name)?.revisionList ?? []).map((r) => r.name);

  await writeFunction(job, GOOD);
  const good = await stepPassed(job, "cloud-run-pipeline", inputs);
  assert.equal(good.outputs.promoted, "true");
  const [rev1] = revisions();
  const url = good.outputs.url ?? "";
  const token = await callerToken(job, url);
  assert.equal(await call(url, token), "200 Hello World!");

  await writeFunction(job, BAD);
  fx.stack.gcp.setOperationDelay(1500);
  const answers: string[] = [];
  let running = true;
  const watching = (async () => {
    while (running) {
      answers.push(await call(url, token));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const bad = await job.run("cloud-run-pipeline", { inputs, timeoutMs: 240_000 }).finally(() => {
    running = false;
  });
  await watching;
  fx.stack.gcp.setOperationDelay(50);

  const [, rev2] = revisions();
  const line = assertUserFailure(bad, / was removed\. .*with token.*500/);
  assert.ok(
    line.startsWith(
      `Revision ${rev2} failed the smoke test and takes no traffic: traffic stayed on the previous revision ${rev1} (${rev1}=100); its tag `,
    ),
    line,
  );
  assert.equal(bad.outputs.promoted, "false");
  assert.equal(bad.outputs["rolled-back"], "true", "the previous revision is what serves");
  assert.equal(bad.outputs["previous-revision"], rev1);
  assert.equal(bad.outputs.revision, rev2);
  assert.equal(bad.outputs.traffic, `${rev1}=100`);
  assert.equal(bad.outputs["tag-url"], "");
  assert.deepEqual(fx.stack.gcp.state.services.get(name)?.body.traffic, [
    { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: rev1, percent: 100 },
  ]);
  assert.ok(answers.length >= 3, `the main URL was called during the run (${answers.length} times)`);
  assert.deepEqual([...new Set(answers)], ["200 Hello World!"]);
  assert.equal(await call(url, token), "200 Hello World!");
});

it("a new service whose first build fails: the service this run created is deleted, so nothing serves the failed revision", async (t) => {
  if (!(await components(t))) return;
  await using job = await fx.job();
  await writeFunction(job, BAD);
  const run = await job.run("cloud-run-pipeline", {
    inputs: builtInputs("rollout-first-bad"),
    timeoutMs: 240_000,
  });
  const name = `projects/${PROJECT}/locations/${REGION}/services/rollout-first-bad`;
  const revision = run.outputs.revision ?? "";
  assert.match(revision, /^rollout-first-bad-/);
  const line = assertUserFailure(run, /^Revision /);
  const own = `Revision ${revision} failed the smoke test; it was the first revision of a service this run created, so the service was deleted and nothing serves the failed revision: fix the function and deploy again (the next run creates the service afresh).`;
  assert.equal(line.slice(0, own.length + 1), `${own} `, line);
  // Then the smoke test's own verdict, as on every failed run, with the cause in Cloud Run's terms.
  assert.match(
    line.slice(own.length + 1),
    /^smoke test failed, 1 of 5 checks: with token answered 500, expected 200, [^(]*\(likely cause: the function itself answered 500 \(Cloud Run passes the container's answer through\): read the service's logs/,
  );
  assert.doesNotMatch(line, /OCI|gateway|functions-family/);
  assert.equal(fx.stack.gcp.state.services.has(name), false, "the service is gone");
  assert.equal(run.outputs.promoted, "false");
  assert.equal(run.outputs["rolled-back"], "true");
  assert.equal(run.outputs["previous-revision"], "");
  assert.equal(run.outputs.traffic, "");
  assert.equal(run.outputs["tag-url"], "");
  const token = await callerToken(job, run.outputs.url ?? "");
  assert.match(await call(run.outputs.url ?? "", token), /^404 /, "the service's URL answers nothing");
});
