// npm run demo: the pipeline so far on the embedded emulator stack, run through the runner harness
// exactly as GitHub would: fn-context (OCI config + Fn context, key proven with a signed call), then,
// where a Docker engine and the distribution registry are present, ocir-login and fn-deploy (image
// built and pushed, function created, test-invoked through the real Fn FDK). Then the post steps.
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type StartedRegistry, startRegistry } from "../test/emulators/registry/start-registry.ts";
import { Job, type StepResult } from "../test/runner/index.ts";
import { startOciFixture } from "../test/support/oci-fixture.ts";
import { dockerEngineRunning, executableExists } from "../test/support/real-components.ts";

const TOKEN = `demo-token-${process.pid}`;
const oci = await startOciFixture();
const realComponents = (await executableExists("/usr/bin/docker-registry")) && (await dockerEngineRunning());
let registry: StartedRegistry | undefined;
if (realComponents) {
  const user = { username: `${oci.namespace}/demo-user`, password: TOKEN };
  registry = await startRegistry({ users: [user] });
  oci.stack.oci.setRegistry({ url: registry.url, ...user });
}
oci.stack.oci.state.createApplication({ compartmentId: oci.tenancyId, displayName: "demo-app" });
const functionDir = await mkdtemp(join(tmpdir(), "fngate-demo-hello-"));
await cp(resolve(import.meta.dirname, "../examples/hello"), functionDir, { recursive: true });
// FROM scratch: nothing can be pulled here, and the emulator runs the example's code through the FDK.
await writeFile(join(functionDir, "Dockerfile"), "FROM scratch\nCOPY func.js /function/func.js\n");

const job = await Job.create({ env: { ...oci.env, GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567" } });
let failed = false;
try {
  console.log(`OCI emulator ${oci.stack.endpoints.oci}, tenancy namespace ${oci.namespace}`);
  const pasted = oci.key.pkcs8.trim().split("\n").join("\\n");
  failed ||= show(
    "fn-context (key pasted with literal \\n escapes)",
    await job.run("fn-context", { inputs: oci.inputs({ "private-key": pasted }) }),
  );
  if (!registry) {
    console.log(
      "\nNo Docker engine or docker-registry here: ocir-login and fn-deploy are skipped (bash .ci/run installs them).",
    );
  } else if (!failed) {
    failed ||= show(
      "ocir-login",
      await job.run("ocir-login", {
        inputs: {
          region: "ap-tokyo-1",
          namespace: oci.namespace,
          username: "demo-user",
          "auth-token": TOKEN,
          registry: registry.host,
        },
      }),
    );
    const deploy = {
      application: "demo-app",
      "compartment-ocid": oci.tenancyId,
      path: functionDir,
      registry: `${registry.host}/${oci.namespace}`,
      invoke: "{}",
    };
    failed ||= show("fn-deploy", await job.run("fn-deploy", { inputs: deploy }));
    failed ||= show("fn-deploy again (nothing changed)", await job.run("fn-deploy", { inputs: deploy }));
  }
  for (const post of await job.runPosts()) show(`post: ${post.action}`, post);
  const left = await job.snapshot();
  console.log(
    `\nHOME and RUNNER_TEMP after the post steps: ${left.size === 0 ? "empty again, as before the job" : [...left.keys()].join(", ")}`,
  );
} finally {
  await job.dispose();
  await registry?.close();
  await oci.close();
  await rm(functionDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;

/** Prints a step's log (without mask commands) and outputs; returns whether it failed. */
function show(title: string, step: StepResult): boolean {
  console.log(`\n$ ${title}   (exit ${step.exitCode})`);
  for (const line of step.stdout.split("\n")) {
    if (line && !line.startsWith("::add-mask::") && !line.startsWith("::debug::")) console.log(`  ${line}`);
  }
  for (const [name, value] of Object.entries(step.outputs)) console.log(`  output ${name}=${value}`);
  return step.exitCode !== 0;
}
