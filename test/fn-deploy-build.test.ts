// fn-deploy's build decisions, through the step itself against the OCI emulator, with a recording
// docker CLI in front of the engine (the boundary the step already has): a function directory without
// a Dockerfile is built with the Dockerfile fn would generate for its runtime, from RUNNER_TEMP, and
// nothing is left behind. The real-docker path is covered by fn-deploy-action.test.ts; fn's base
// images cannot be pulled offline, so this path is shown at the CLI boundary.
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { DockerCli, DockerResult } from "../src/docker/docker-cli.ts";
import type { ImagePlatforms } from "../src/docker/image-platforms.ts";
import { isUserError } from "../src/errors.ts";
import { dockerfileFor } from "../src/oci/functions/fn-dockerfile.ts";
import { parseFuncYaml } from "../src/oci/functions/func-yaml.ts";
import { deployFunction, type FnDeployInputs } from "../src/steps/fn-deploy.ts";
import { generateTestKey } from "./support/keys.ts";
import { type ReuseWorld, startReuseWorld } from "./support/reuse-world.ts";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const OCIR = "ocir.ap-tokyo-1.oci.oraclecloud.com";
let w: ReuseWorld;
let functionDir: string;

before(async () => {
  w = await startReuseWorld();
  // The example function as it is (the world's folder less the Dockerfile and ignore rules it adds).
  functionDir = await w.functionFolder("hello");
  for (const added of ["Dockerfile", ".dockerignore", "notes.txt"]) await rm(join(functionDir, added));
  // What actions/checkout (before v6) leaves in a checkout: the job's token in .git/config.
  await mkdir(join(functionDir, ".git"));
  await writeFile(
    join(functionDir, ".git", "config"),
    '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX2Zha2U=\n',
  );
});
after(async () => {
  await w?.close();
});

interface Recorded {
  args: string[];
  dockerfile?: string;
  /** What the build context held when docker was asked to build it (relative paths). */
  contextFiles?: string[];
}

/** The registry's answer for the pushed image: one linux/amd64 image manifest. */
async function amd64Image(): Promise<ImagePlatforms> {
  return {
    kind: "image",
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    platforms: [{ os: "linux", architecture: "amd64" }],
    attestations: 0,
  };
}

/**
 * Answers build and push as the engine would, keeping what each build and push was given; the
 * legacy builder's `build --help` (no --provenance) and the built image's platform are answered, not
 * kept.
 */
function recordingDocker(calls: Recorded[]): DockerCli {
  return {
    path: "/usr/bin/docker",
    run: async (args): Promise<DockerResult> => {
      if (args[0] === "build" && args[1] === "--help") {
        return {
          code: 0,
          stdout: "Usage:  docker build [OPTIONS] PATH | URL | -\n      --platform string\n",
          stderr: "",
        };
      }
      if (args[0] === "image" && args[1] === "inspect")
        return { code: 0, stdout: "linux/amd64\n", stderr: "" };
      const call: Recorded = { args };
      const file = args.indexOf("-f");
      if (args[0] === "build" && file >= 0) call.dockerfile = await readFile(args[file + 1] ?? "", "utf8");
      if (args[0] === "build") {
        const context = args[args.length - 1] ?? "";
        call.contextFiles = (await readdir(context, { recursive: true })).map(String).sort();
      }
      calls.push(call);
      if (args[0] === "push") return { code: 0, stdout: `1.0: digest: ${DIGEST} size: 528\n`, stderr: "" };
      return { code: 0, stdout: "", stderr: "" };
    },
  };
}

/** fn-deploy's inputs for the example folder (no Dockerfile), pushed to OCIR, without a commit. */
function inputs(overrides: Partial<FnDeployInputs> = {}): FnDeployInputs {
  const { gitSha: _sha, ...rest } = w.inputs(functionDir, OCIR, overrides);
  return overrides.gitSha ? { ...rest, gitSha: overrides.gitSha } : rest;
}
const tools = (calls: Recorded[] = []) => ({ docker: recordingDocker(calls), imagePlatforms: amd64Image });

describe("fn-deploy without a Dockerfile", () => {
  it("builds with the Dockerfile fn generates for func.yaml's runtime, then removes it", async () => {
    const calls: Recorded[] = [];
    const { ctx, secrets } = await w.stepContext();
    const { tempDir } = ctx;
    const result = await deployFunction(
      inputs({ config: "TOKEN=abc123xyz", gitSha: "feedface00" }),
      ctx,
      tools(calls),
    );
    const image = `${OCIR}/${w.namespace}/hello:0.0.1-feedfac`;
    const [build, push] = calls;
    assert.equal(calls.length, 2);
    assert.deepEqual(build?.args.slice(0, 6), ["build", "-t", image, "--platform", "linux/amd64", "-f"]);
    assert.match(build?.args[6] ?? "", new RegExp(`^${tempDir}/fngate-[0-9a-f]+\\.Dockerfile$`));
    // A private copy of the folder in RUNNER_TEMP, without its .git, is what docker builds.
    assert.match(build?.args[7] ?? "", new RegExp(`^${tempDir}/fngate-context-\\w+/context$`));
    assert.deepEqual(
      build?.contextFiles,
      (await readdir(functionDir)).filter((name) => name !== ".git").sort(),
    );
    const func = parseFuncYaml(await readFile(join(functionDir, "func.yaml"), "utf8"), "func.yaml");
    assert.equal(build?.dockerfile, dockerfileFor(func, "func.yaml", { files: new Set(["package.json"]) }));
    assert.deepEqual(push?.args, ["push", image]);
    assert.deepEqual(await readdir(tempDir), [], "the generated Dockerfile is removed");
    assert.deepEqual(secrets, ["abc123xyz"]);
    assert.equal(result.digest, DIGEST);
    assert.equal(result.action, "created");
    assert.equal(result.lifecycleState, "ACTIVE");
    const fn = w.oci.stack.oci.state.fn.functions.get(result.functionId);
    assert.equal(fn?.imageDigest, DIGEST);
    assert.equal(fn?.image, image);
  });

  it("refuses to build without docker, before any OCI call", async () => {
    const { ctx } = await w.stepContext();
    const calls = w.oci.stack.oci.requests.length;
    await assert.rejects(
      deployFunction(inputs(), ctx, { docker: undefined, imagePlatforms: amd64Image }),
      (e: unknown) => isUserError(e) && /^docker is not installed/.test(e.message),
    );
    assert.equal(w.oci.stack.oci.requests.length, calls);
  });

  it("takes the registry from the current Fn CLI context when the input is empty", async () => {
    const calls: Recorded[] = [];
    const { ctx } = await w.stepContext();
    await mkdir(join(ctx.homeDir, ".fn", "contexts"), { recursive: true });
    await writeFile(join(ctx.homeDir, ".fn", "config.yaml"), "current-context: ci\n");
    await writeFile(
      join(ctx.homeDir, ".fn", "contexts", "ci.yaml"),
      `provider: oracle\nregistry: fra.ocir.io/${w.namespace}/team\n`,
    );
    const { registry: _registry, ...rest } = inputs();
    const result = await deployFunction({ ...rest, function: "from-context" }, ctx, tools(calls));
    assert.equal(result.image, `fra.ocir.io/${w.namespace}/team/from-context:0.0.1`);
    assert.equal(result.repository?.name, "team/from-context");
  });
});

describe("fn-deploy finds the application and the repository, and explains OCI's refusals", () => {
  it("creates the repository when the compartment already holds more than one page of repositories", async () => {
    const { state } = w.oci.stack.oci;
    state.artifacts.seedContainerRepositories({ compartmentId: w.oci.tenancyId, count: 150, prefix: "zz" });
    const { ctx, log } = await w.stepContext();
    const paged = { ...inputs({ registry: `${OCIR}/${w.namespace}/team` }), function: "paged" };
    const result = await deployFunction(paged, ctx, tools());
    assert.equal(result.image, `${OCIR}/${w.namespace}/team/paged:0.0.1`);
    const created = [...state.artifacts.repositories.values()].filter(
      (repository) => repository.displayName === "team/paged",
    );
    assert.equal(created.length, 1);
    assert.equal(created[0]?.isPublic, false);
    assert.match(log.join("\n"), /Created private OCIR repository team\/paged/);
  });

  // The function's OCIR repository already exists in another compartment, as `fn deploy` leaves it (in
  // the root compartment): OCI answers the create in the chosen compartment with 409 (names are unique
  // across the tenancy), so fn-deploy finds the repository in the whole tenancy and pushes there,
  // warning when it is public.
  const repositoriesNamed = (name: string) =>
    [...w.oci.stack.oci.state.artifacts.repositories.values()].filter((r) => r.displayName === name);
  /** fn-deploy of `name` into an application of a compartment below the root: its result and step context. */
  async function deployInTeam(name: string) {
    const { state } = w.oci.stack.oci;
    const team = state.iam.createCompartment({ parentId: w.oci.tenancyId, name: `team-${name}` });
    state.fn.createApplication({ compartmentId: team.id, displayName: `${name}-apps` });
    const step = await w.stepContext();
    const given = { application: `${name}-apps`, compartmentOcid: team.id, function: name };
    return { result: await deployFunction({ ...inputs(), ...given }, step.ctx, tools()), ...step };
  }

  it("a private repository in the root compartment (fn deploy's) is found and pushed to", async () => {
    const rootRepository = w.oci.stack.oci.state.artifacts.createContainerRepository({
      compartmentId: w.oci.tenancyId,
      displayName: "made-by-fn",
    });
    const { result, log, warnings } = await deployInTeam("made-by-fn");
    assert.ok(
      log.includes(
        `OCIR repository made-by-fn exists in compartment ${w.oci.tenancyId} (names are unique across the tenancy): pushing to it.`,
      ),
      log.join("\n"),
    );
    assert.deepEqual(
      repositoriesNamed("made-by-fn").map((r) => r.id),
      [rootRepository.id],
      "no second repository",
    );
    assert.deepEqual(warnings, [], "private: no warning");
    assert.equal(
      w.oci.stack.oci.state.fn.functions.get(result.functionId)?.image,
      `${OCIR}/${w.namespace}/made-by-fn:0.0.1`,
    );
    const searches = w.oci.stack.oci.requests.filter(
      (r) => r.operation === "ListContainerRepositories" && r.target.includes("compartmentIdInSubtree=true"),
    );
    assert.ok(
      searches.some((r) => r.target.includes(`compartmentId=${encodeURIComponent(w.oci.tenancyId)}`)),
      "searched from the tenancy (root compartment)",
    );
  });

  it("a public repository elsewhere is used, with a warning that says how to make it private", async () => {
    const { state } = w.oci.stack.oci;
    const other = state.iam.createCompartment({ parentId: w.oci.tenancyId, name: "shared" });
    const shared = state.artifacts.createContainerRepository({
      compartmentId: other.id,
      displayName: "shared-fn",
      isPublic: true,
    });
    const { warnings } = await deployInTeam("shared-fn");
    assert.deepEqual(warnings, [
      `OCIR repository shared-fn is public: anyone can pull the function's image without credentials. Make it private (Container Registry > shared-fn > Actions > Change to private, or oci artifacts container repository update --repository-id ${shared.id} --is-public false).`,
    ]);
    assert.equal(repositoriesNamed("shared-fn").length, 1);
  });

  it("an application OCID needs no compartment: the repository goes to the application's compartment", async () => {
    const application = w.oci.stack.oci.state.fn.createApplication({
      compartmentId: w.oci.tenancyId,
      displayName: "by-ocid",
    });
    const calls: Recorded[] = [];
    const { ctx } = await w.stepContext();
    const { compartmentOcid: _compartment, ...rest } = inputs();
    const result = await deployFunction(
      { ...rest, application: application.id, function: "by-ocid-fn" },
      ctx,
      tools(calls),
    );
    assert.equal(result.applicationId, application.id);
    const repository = [...w.oci.stack.oci.state.artifacts.repositories.values()].find(
      (entry) => entry.displayName === "by-ocid-fn",
    );
    assert.equal(repository?.compartmentId, w.oci.tenancyId);
  });

  it("an unknown application OCID is a 404 explained with its likely causes", async () => {
    const { ctx } = await w.stepContext();
    const missing = "ocid1.fnapp.oc1.ap-tokyo-1.aaaaaaaanotthereatall";
    await assert.rejects(
      deployFunction({ ...inputs(), application: missing }, ctx, tools()),
      (e: unknown) =>
        isUserError(e) &&
        e.message.startsWith(`application ${missing}: 404 NotAuthorizedOrNotFound`) &&
        /Likely causes: the OCID is wrong or in another compartment or region, or the user's group lacks a policy/.test(
          e.message,
        ),
    );
  });

  it("a key OCI does not know is a 401 that points to fn-context's verify", async () => {
    const { ctx } = await w.stepContext();
    const stranger = generateTestKey();
    const keyFile = join(ctx.homeDir, "stranger.pem");
    await writeFile(keyFile, stranger.pkcs8, { mode: 0o600 });
    const configFile = join(ctx.homeDir, "stranger-config");
    await writeFile(
      configFile,
      `[DEFAULT]\nuser=${w.oci.userId}\nfingerprint=${stranger.fingerprint}\ntenancy=${w.oci.tenancyId}\nregion=ap-tokyo-1\nkey_file=${keyFile}\n`,
      { mode: 0o600 },
    );
    await assert.rejects(
      deployFunction({ ...inputs(), ociProfile: { configFile, profile: "DEFAULT" } }, ctx, tools()),
      (e: unknown) =>
        isUserError(e) &&
        /^listing applications in compartment .*: OCI refused the API key \(401 NotAuthenticated\).*run fn-context with verify: true/.test(
          e.message,
        ),
    );
  });

  it("a deployment that ends in FAILED is reported instead of waited on until the deadline", async () => {
    w.oci.stack.oci.state.fn.failNextTransitions(1);
    const { ctx } = await w.stepContext();
    await assert.rejects(
      deployFunction({ ...inputs(), function: "doomed" }, ctx, tools()),
      (e: unknown) =>
        isUserError(e) &&
        /^function doomed went to FAILED.*Check the image and the application's subnet/.test(e.message),
    );
  });
});
