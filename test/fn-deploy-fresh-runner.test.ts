// The fresh-runner case as a workflow meets it: one job runs fn-context, ocir-login and fn-deploy; a
// second job (new HOME and RUNNER_TEMP, the function's local images removed from docker) runs the same
// steps on the same commit. The second fn-deploy finds the image in the registry through the login
// ocir-login stored and builds and pushes nothing (counted by a wrapper in front of the real docker
// CLI), pins the same digest and makes no mutating OCI call. The built actions run in the runner
// harness against the OCI emulator, the real Docker engine and the real registry.
import assert from "node:assert/strict";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { isMutating } from "./emulators/oci/request-log.ts";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { Job, type StepResult } from "./runner/index.ts";
import { type DockerRecorder, dockerRecorder, removeLocalImages } from "./support/docker-recorder.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { dockerEngineRunning, executableExists, requireComponent } from "./support/real-components.ts";

const TOKEN = `fresh-runner-${process.pid}`;
const SHA = "89abcdef0123456789abcdef0123456789abcdef";
let oci: OciFixture;
let registry: StartedRegistry | undefined;
let recorder: DockerRecorder | undefined;
let functionDir: string;

before(async () => {
  oci = await startOciFixture();
  oci.stack.oci.state.createApplication({ compartmentId: oci.tenancyId, displayName: "apps" });
  if (await executableExists("/usr/bin/docker-registry")) {
    const user = { username: `${oci.namespace}/ci-user`, password: TOKEN };
    registry = await startRegistry({ users: [user] });
    oci.stack.oci.setRegistry({ url: registry.url, ...user });
    recorder = await dockerRecorder();
  }
  functionDir = await mkdtemp(join(tmpdir(), "fngate-fresh-runner-"));
  await cp(resolve(import.meta.dirname, "../examples/hello"), functionDir, { recursive: true });
  await writeFile(join(functionDir, "Dockerfile"), "FROM scratch\nCOPY func.js /function/func.js\n");
});
after(async () => {
  await registry?.close();
  await recorder?.dispose();
  await oci?.close();
  if (functionDir) await rm(functionDir, { recursive: true, force: true });
});

async function componentsPresent(t: TestContext): Promise<boolean> {
  if (!(await requireComponent(t, "docker-registry", () => executableExists("/usr/bin/docker-registry"))))
    return false;
  return requireComponent(t, "the Docker engine", dockerEngineRunning);
}

/** A new job (as on a fresh runner) through fn-context, ocir-login and fn-deploy; its posts run too. */
async function deployInNewJob(): Promise<StepResult> {
  const job = await Job.create({
    env: { ...oci.env, GITHUB_SHA: SHA, PATH: recorder?.path ?? "" },
    checkout: functionDir,
  });
  try {
    assert.equal((await job.run("fn-context", { inputs: oci.inputs() })).exitCode, 0);
    const login = await job.run("ocir-login", {
      inputs: {
        region: "ap-tokyo-1",
        namespace: oci.namespace,
        username: "ci-user",
        "auth-token": TOKEN,
        registry: registry?.host ?? "",
      },
    });
    assert.equal(login.exitCode, 0, login.stdout);
    await recorder?.reset();
    const deploy = await job.run("fn-deploy", {
      inputs: {
        application: "apps",
        "compartment-ocid": oci.tenancyId,
        path: ".",
        registry: `${registry?.host}/${oci.namespace}`,
      },
    });
    assert.equal(deploy.exitCode, 0, deploy.stdout + deploy.stderr);
    assert.ok((await job.runPosts()).every((post) => post.exitCode === 0));
    return deploy;
  } finally {
    await job.dispose();
  }
}

describe("fn-deploy on a fresh runner with unchanged source", () => {
  it("builds and pushes nothing, pins the same digest and changes nothing", async (t) => {
    if (!(await componentsPresent(t))) return;
    const first = await deployInNewJob();
    assert.deepEqual(await recorder?.counts(), { builds: 1, pushes: 1, logins: 0 });
    const image = `${registry?.host}/${oci.namespace}/hello`;
    assert.ok((await removeLocalImages(image)) > 0, "the built image was local");

    const mutating = oci.stack.oci.requests.filter(isMutating).length;
    const second = await deployInNewJob();
    assert.deepEqual(await recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
    assert.equal(second.outputs.digest, first.outputs.digest);
    assert.equal(second.outputs.image, first.outputs.image);
    assert.equal(second.outputs.changed, "false");
    assert.equal(oci.stack.oci.requests.filter(isMutating).length, mutating, "a mutating OCI call");
    assert.match(
      second.stdout,
      /Reused image \S+@sha256:[a-f0-9]{64}, built from the same source \(context [0-9a-f]{12}, tag fngate-[0-9a-f]{40}\): no docker build, no push\./,
    );
    assert.deepEqual(
      second.annotations.filter((a) => a.level === "warning"),
      [],
    );
  });
});
