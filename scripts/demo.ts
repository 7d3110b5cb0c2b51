// npm run demo: the whole pipeline on the embedded emulator stack, run through the runner harness
// exactly as GitHub would run the root action: fn-context, ocir-login, fn-deploy, gateway-deploy,
// entra-token and smoke-test, then the post step. With a Docker engine it builds and pushes the
// example function; without one it says so and deploys a prepared image reference (pushed through
// the registry's own API). Without the distribution registry it can only run fn-context.
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pushImage } from "../test/emulators/registry/push-image.ts";
import { type StartedRegistry, startRegistry } from "../test/emulators/registry/start-registry.ts";
import { Job, type StepResult } from "../test/runner/index.ts";
import { seedGatewayFunctionsPolicy } from "../test/support/gateway-policy.ts";
import { startOciFixture } from "../test/support/oci-fixture.ts";
import { dockerEngineRunning, executableExists } from "../test/support/real-components.ts";

const AUTH_TOKEN = `demo-auth-token-${process.pid}`;
const CLIENT_SECRET = `demo-client-secret-${process.pid}`;
const oci = await startOciFixture();
const { state } = oci.stack.oci;
const docker = await dockerEngineRunning();
let registry: StartedRegistry | undefined;
if (await executableExists("/usr/bin/docker-registry")) {
  const user = { username: `${oci.namespace}/demo-user`, password: AUTH_TOKEN };
  registry = await startRegistry({ users: [user] });
  oci.stack.oci.setRegistry({ url: registry.url, ...user });
}
state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: "demo-app" });
const gatewayId = state.apigw.createGateway({ compartmentId: oci.tenancyId, displayName: "demo-gateway" }).id;
// A real tenancy needs this once: the policy that lets API gateways call functions.
seedGatewayFunctionsPolicy(state, oci.tenancyId);
const { entra } = oci.stack;
const tenantId = entra.addTenant();
const api = entra.addApiApp(tenantId, {
  identifierUris: ["api://my-oci-api"],
  accessTokenAcceptedVersion: 1,
  appRoles: [{ value: "Invoke" }],
});
const client = entra.addClientApp(tenantId, {
  secrets: [{ value: CLIENT_SECRET }],
  roleAssignments: [{ resourceAppId: api.appId, role: "Invoke" }],
});
const functionDir = await mkdtemp(join(tmpdir(), "fngate-demo-hello-"));
await cp(resolve(import.meta.dirname, "../examples/hello"), functionDir, { recursive: true });
// FROM scratch: nothing can be pulled here, and the emulator runs the example's code through the FDK.
await writeFile(join(functionDir, "Dockerfile"), "FROM scratch\nCOPY func.js /function/func.js\n");

// The job's workspace is a checkout of the function folder, as actions/checkout would leave it.
const job = await Job.create({
  env: { ...oci.env, GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567" },
  checkout: functionDir,
});
let exitCode = 0;
try {
  console.log(
    `Emulators: OCI ${oci.stack.endpoints.oci}, gateway ${oci.stack.endpoints.gateway}, Entra ${oci.stack.endpoints.entra}`,
  );
  if (!registry) {
    console.log("\nNo docker-registry here (bash .ci/run installs it): only fn-context can run.");
    exitCode = show("fn-context", await job.run("fn-context", { inputs: oci.inputs() }));
  } else {
    let image: Record<string, string> = { path: "." };
    if (!docker) {
      const { digest } = await pushImage({
        registry: { url: registry.url, username: `${oci.namespace}/demo-user`, password: AUTH_TOKEN },
        repository: `${oci.namespace}/hello`,
        tag: "prepared",
      });
      image = { image: `${registry.host}/${oci.namespace}/hello@${digest}` };
      console.log(
        `\nNo Docker engine here: deploying the prepared image ${image.image} instead of building.`,
      );
    }
    const inputs = {
      ...oci.inputs({ "private-key": oci.key.pkcs8.trim().split("\n").join("\\n") }),
      "compartment-ocid": oci.tenancyId,
      username: "demo-user",
      "auth-token": AUTH_TOKEN,
      registry: registry.host,
      application: "demo-app",
      function: "hello",
      ...image,
      "gateway-ocid": gatewayId,
      deployment: "demo",
      "path-prefix": "/demo",
      "route-path": "/hello",
      "entra-tenant-id": tenantId,
      "authority-host": entra.host,
      audiences: "api://my-oci-api",
      "client-id": client.appId,
      "client-secret": CLIENT_SECRET,
      scope: "api://my-oci-api/.default",
      "expect-body": '{"message":"Hello World"}',
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
  await registry?.close();
  await oci.close();
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
