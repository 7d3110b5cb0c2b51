// npm run demo: the whole pipeline on the embedded emulator stack, run through the runner harness
// exactly as GitHub would run the root action: fn-context, ocir-login, fn-deploy, gateway-deploy,
// entra-token and smoke-test, then the post step. With a Docker engine it builds and pushes the
// example function; without one it says so and deploys a prepared image reference (pushed through
// the registry's own API). Without the distribution registry it can only run fn-context.
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pushImage } from "../test/emulators/registry/push-image.ts";
import { Job, type StepResult } from "../test/runner/index.ts";
import { dockerEngineRunning } from "../test/support/real-components.ts";
import { startSeededWorld } from "../test/support/seeded-world.ts";

const world = await startSeededWorld();
const { stack, registry } = world;
const docker = await dockerEngineRunning();
const functionDir = await mkdtemp(join(tmpdir(), "fngate-demo-hello-"));
await cp(resolve(import.meta.dirname, "../examples/hello"), functionDir, { recursive: true });
// FROM scratch: nothing can be pulled here, and the emulator runs the example's code through the FDK.
await writeFile(join(functionDir, "Dockerfile"), "FROM scratch\nCOPY func.js /function/func.js\n");

// The job's workspace is a checkout of the function folder, as actions/checkout would leave it.
const job = await Job.create({
  env: { ...world.env, GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567" },
  checkout: functionDir,
});
let exitCode = 0;
try {
  console.log(
    `Emulators: OCI ${stack.endpoints.oci}, gateway ${stack.endpoints.gateway}, Entra ${stack.endpoints.entra}`,
  );
  if (!registry) {
    console.log("\nNo docker-registry here (bash .ci/run installs it): only fn-context can run.");
    const fnContext = ["tenancy-ocid", "user-ocid", "fingerprint", "region"].map((name) => [
      name,
      world.inputs[name] ?? "",
    ]);
    const inputs = { ...Object.fromEntries(fnContext), "private-key": world.secrets["private-key"] ?? "" };
    exitCode = show("fn-context", await job.run("fn-context", { inputs }));
  } else {
    let image: Record<string, string> = { path: "." };
    if (!docker) {
      const { digest } = await pushImage({
        registry: {
          url: registry.url,
          username: `${world.namespace}/${world.inputs.username}`,
          password: world.secrets["auth-token"] ?? "",
        },
        repository: `${world.namespace}/hello`,
        tag: "prepared",
      });
      image = { image: `${registry.host}/${world.namespace}/hello@${digest}` };
      console.log(
        `\nNo Docker engine here: deploying the prepared image ${image.image} instead of building.`,
      );
    }
    const inputs = {
      ...world.inputs,
      ...world.secrets,
      // Pasted as one line with literal \n, as a secret store often hands it over: fngate repairs it.
      "private-key": world.key.pkcs8.trim().split("\n").join("\\n"),
      ...image,
    };
    exitCode = show("uses: ORG/fngate@v1 (the whole pipeline)", await job.run("..", { inputs }));
    if (exitCode === 0) show("the same step again (nothing changed)", await job.run("..", { inputs }));
  }
  // The runner runs the post of every step that ran, the last step's first: each names its step.
  const posts = await job.runPosts();
  for (const [index, post] of posts.entries()) {
    const step = posts.length - index;
    show(`post of step ${step}: ${post.action === ".." ? "fngate" : post.action}`, post);
  }
  const left = await job.snapshot();
  console.log(
    `\nHOME and RUNNER_TEMP after the post step: ${left.size === 0 ? "empty again, as before the job" : [...left.keys()].join(", ")}`,
  );
} finally {
  await job.dispose();
  await world.close();
  await rm(functionDir, { recursive: true, force: true });
}
process.exitCode = exitCode;

/** Prints a step's log lines (no mask or debug commands), its smoke checks and its outputs. */
function show(title: string, step: StepResult): number {
  console.log(`\n$ ${title}   (exit ${step.exitCode})`);
  for (const line of step.stdout.split("\n")) {
    if (!line || line.startsWith("::add-mask::") || line.startsWith("::debug::")) continue;
    console.log(
      line.startsWith("::group::") ? `  ── ${line.slice(9)}` : line === "::endgroup::" ? "" : `    ${line}`,
    );
  }
  for (const [name, value] of Object.entries(step.outputs)) {
    if (name !== "results") console.log(`  output ${name}=${value}`);
  }
  return step.exitCode ?? 1;
}
