// Google's rules the Cloud Run actions meet on a first real deploy, through the built actions and the
// Google emulator: a project whose Cloud Run Admin API is off answers SERVICE_DISABLED (one line with
// the fix, nothing deployed); base-image needs an image built for automatic base image updates (a
// Dockerfile whose final stage is not FROM scratch is refused before any call, a prebuilt image gets a
// warning); gcp-id-token hands out the credential's own access token with token-format; and an update
// keeps every setting it does not manage as services.get showed it (Cloud Run resets what a PATCH leaves
// out). The refusals that need no call run the action's own parsers in process.
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type CloudRunFixture,
  IMAGE_V2,
  PROJECT,
  REGION,
  startCloudRunFixture,
} from "./emulators/gcp/fixture.ts";
import { assertUserFailure, type StepResult } from "./runner/index.ts";
import { refusalTable } from "./support/input-table.ts";
import { passed } from "./support/passed.ts";

type Json = Record<string, unknown>;

const DISABLED_PROJECT = "run-off-project-1";
let fx: CloudRunFixture;
let root: string;

before(async () => {
  fx = await startCloudRunFixture();
  const project = fx.stack.gcp.addProject(DISABLED_PROJECT);
  fx.stack.gcp.grantRunAdmin(DISABLED_PROJECT, `serviceAccount:${fx.deployer.email}`);
  fx.stack.gcp.disableService(DISABLED_PROJECT, "run.googleapis.com");
  assert.ok(project.number);
  root = await mkdtemp(join(tmpdir(), "fngate-cloud-run-rules-"));
});
after(async () => {
  await fx?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** One step in a job of its own; `checkout` is a folder copied into the workspace under its own name. */
async function run(action: string, inputs: Record<string, string>, checkout?: string): Promise<StepResult> {
  await using job = await fx.job();
  if (checkout) await cp(checkout, join(job.workspace, basename(checkout)), { recursive: true });
  return await job.run(action, { inputs });
}

describe("Cloud Run Admin API disabled in the project", () => {
  it("SERVICE_DISABLED is one line with the command that enables it; nothing is deployed", async () => {
    const calls = fx.mutatingCalls();
    const deploy = await run("cloud-run-deploy", fx.deployInputs("off-fn", { project: DISABLED_PROJECT }));
    const number = fx.stack.gcp.state.projects.get(DISABLED_PROJECT)?.number;
    assertUserFailure(
      deploy,
      `project ${DISABLED_PROJECT} has not enabled run.googleapis.com (SERVICE_DISABLED): enable it with \`gcloud services enable run.googleapis.com --project ${DISABLED_PROJECT}\` or at https://console.developers.google.com/apis/api/run.googleapis.com/overview?project=${number}, wait a minute for it to take effect, and re-run.`,
    );
    assert.equal(fx.mutatingCalls(), calls);
  });
});

describe("base-image needs an image built for automatic base image updates", () => {
  // In process, with a workspace holding both folders (a folder without any Dockerfile too).
  refusalTable(
    "cloud-run-deploy",
    async () => {
      await mkdir(join(root, "full-image"), { recursive: true });
      await mkdir(join(root, "empty"), { recursive: true });
      await writeFile(
        join(root, "full-image", "Dockerfile"),
        "FROM python:3.12-slim\nCOPY main.py /app/main.py\n",
      );
      const image = "asia-northeast1-docker.pkg.dev/my-project-123/functions/full:1";
      return {
        inputs: fx.deployInputs("full-image-fn", { path: "full-image", image, "base-image": "python312" }),
        workspace: root,
      };
    },
    {
      "a Dockerfile whose final stage is not FROM scratch is refused before any call": [
        {},
        "base-image is set, but Dockerfile's final stage is FROM python:3.12-slim: with automatic base image updates Cloud Run puts the app image on top of the base image, so it must hold only the app; make the last stage FROM scratch and copy the built app into it, or drop base-image (https://cloud.google.com/run/docs/configuring/services/automatic-base-image-updates).",
      ],
      "a folder without a Dockerfile is refused before anything runs": [
        { path: "empty", "base-image": undefined },
        `path ${JSON.stringify("empty")} has no Dockerfile: add one, name it with the dockerfile input, or drop path and deploy a pushed image.`,
      ],
    },
  );

  it("a prebuilt image with base-image deploys, with a warning that says what the image must be", async () => {
    const deploy = await run(
      "cloud-run-deploy",
      fx.deployInputs("prebuilt-base-fn", { "base-image": "nodejs22" }),
    );
    assert.equal(deploy.exitCode, 0, deploy.stdout + deploy.stderr);
    const warnings = deploy.annotations.filter((a) => a.level === "warning").map((a) => a.message);
    assert.deepEqual(warnings, [
      "base-image is set for the prebuilt image asia-northeast1-docker.pkg.dev/my-project-123/functions/hello-http:1: Cloud Run runs it on top of asia-northeast1-docker.pkg.dev/serverless-runtimes/google-22/runtimes/nodejs22, so it must have been built for that (FROM scratch with only the app, or gcloud run deploy --source --base-image); an image with its own OS stacks it on the base image (https://cloud.google.com/run/docs/configuring/services/automatic-base-image-updates).",
    ]);
  });
});

describe("gcp-id-token token-format: access-token", () => {
  const keyless = () => ({ "workload-identity-provider": fx.provider, "service-account": fx.deployer.email });

  it("hands out the service account's own access token, masked, that Google's APIs accept as it", async () => {
    const token = passed(await run("gcp-id-token", { ...keyless(), "token-format": "access-token" }));
    const accessToken = token.outputs["access-token"] ?? "";
    assert.ok(token.masks.includes(accessToken), "masked");
    assert.equal(token.outputs["id-token"], undefined);
    assert.equal(token.outputs.email, fx.deployer.email);
    assert.ok(Date.parse(token.outputs["expires-on"] ?? "") > Date.now());
    const caller = fx.stack.gcp.state.caller(accessToken, Date.now());
    assert.equal(caller?.principal, `serviceAccount:${fx.deployer.email}`);
  });
});

describe("Cloud Run server defaults through cloud-run-deploy", () => {
  it("an image update keeps the settings it does not manage as services.get showed them", async () => {
    await using job = await fx.job();
    const inputs = fx.deployInputs("keep-fn");
    const deploy = async (given: Record<string, string>) =>
      passed(await job.run("cloud-run-deploy", { inputs: given }));
    await deploy(inputs);
    const name = `projects/${PROJECT}/locations/${REGION}/services/keep-fn`;
    const record = fx.stack.gcp.state.services.get(name);
    assert.ok(record);
    // Someone tuned the service in the console: none of these is an input of the deploy.
    const template = record.body.template as Json;
    Object.assign(template, {
      timeout: "900s",
      maxInstanceRequestConcurrency: 10,
      scaling: { maxInstanceCount: 3 },
    });
    const container = (template.containers as Json[])[0] as Json;
    container.resources = { cpuIdle: false, limits: { cpu: "2", memory: "1Gi" } };
    container.ports = [{ name: "h2c", containerPort: 9090 }];
    const before = fx.mutatingCalls();
    await deploy(inputs);
    assert.equal(fx.mutatingCalls(), before, "the tuned settings are not a reason to update");
    await deploy({ ...inputs, image: IMAGE_V2 });
    assert.equal(fx.mutatingCalls(), before + 1, "one PATCH");
    const after = fx.stack.gcp.state.services.get(name)?.body.template as Json;
    const afterContainer = (after.containers as Json[])[0] as Json;
    assert.equal(afterContainer.image, IMAGE_V2);
    assert.equal(after.timeout, "900s");
    assert.equal(after.maxInstanceRequestConcurrency, 10);
    // The client's JSON writer may spell out zero values (minInstanceCount: 0); the settings are kept.
    assert.equal((after.scaling as Json).maxInstanceCount, 3);
    const resources = afterContainer.resources as Json;
    assert.deepEqual(resources.limits, { cpu: "2", memory: "1Gi" });
    assert.equal(resources.cpuIdle ?? false, false);
    assert.deepEqual(
      (afterContainer.ports as Json[]).map((port) => [port.name, port.containerPort]),
      [["h2c", 9090]],
    );
  });
});
