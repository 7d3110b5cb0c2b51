// fn-deploy and the application's shape, through the built action against the OCI emulator, the real
// registry and the real docker CLI (which reads the manifests): what BuildKit pushes by default (an
// index with an attestation manifest) and an image for the wrong architecture are refused with one
// line before CreateFunction; a fitting image (single or multi-arch) is deployed; the shape input must
// match the application's; an arm64 application gets a linux/arm64 build whose pushed config says so.
import assert from "node:assert/strict";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isMutating } from "./emulators/oci/request-log.ts";
import { pushImage } from "./emulators/registry/push-image.ts";
import { pushIndex } from "./emulators/registry/push-index.ts";
import { RegistryClient } from "./emulators/registry/registry-client.ts";
import { assertUserFailure, type Job, type StepResult } from "./runner/index.ts";
import { type FnDeployFixture, startFnDeployFixture } from "./support/fn-deploy-fixture.ts";
import type { OciFixture } from "./support/oci-fixture.ts";
import { passed } from "./support/passed.ts";
import { requireDockerAndRegistry as components, dockerEngineRunning } from "./support/real-components.ts";

let fx: FnDeployFixture;
let oci: OciFixture;
/** One job that has run fn-context and ocir-login, for every fn-deploy in turn (a workflow's steps). */
let job: Job;

before(async () => {
  fx = await startFnDeployFixture("shape", {
    functionFiles: {
      // Unique content: the legacy builder's cache would otherwise hand back an image of another platform.
      "func.js": `// arm64 build ${process.pid} ${Date.now()}\n`,
      Dockerfile: "FROM scratch\nCOPY func.js /function/func.js\n",
    },
  });
  oci = fx.oci;
  const { state } = oci.stack.oci;
  state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: "x86-apps" });
  state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: "arm-apps", shape: "GENERIC_ARM" });
  state.fn.createApplication({
    compartmentId: oci.tenancyId,
    displayName: "multi-apps",
    shape: "GENERIC_X86_ARM",
  });
  // Without the registry and the Docker engine every test skips (requireDockerAndRegistry).
  if (fx.registry && (await dockerEngineRunning())) job = await fx.preparedJob();
});
after(async () => {
  await job?.dispose();
  await fx?.close();
});

const credentials = () => ({
  url: fx.registry?.url ?? "",
  username: `${oci.namespace}/ci-user`,
  password: fx.authToken,
});

function mutatingCalls(): number {
  return oci.stack.oci.requests.filter(isMutating).length;
}

/** fn-deploy with `inputs`, in `job` (by default the shared one: fn-context and ocir-login done). */
async function deploy(
  inputs: Record<string, string>,
  on: Job = job,
  env: Record<string, string> = {},
): Promise<StepResult> {
  return await on.run("fn-deploy", {
    inputs: { "compartment-ocid": oci.tenancyId, path: ".", ...inputs },
    env,
    timeoutMs: 240_000,
  });
}

/** Pushes a prebuilt image of `architectures` (one: a single image; more, or with attestations: an index). */
async function prebuilt(tag: string, architectures: string[], attestations = false): Promise<string> {
  const repository = `${oci.namespace}/prebuilt`;
  const registry = credentials();
  const pushed =
    architectures.length === 1 && !attestations
      ? await pushImage({ registry, repository, tag, architecture: architectures[0] ?? "" })
      : await pushIndex({ registry, repository, tag, architectures, attestations });
  return `${fx.registry?.host}/${repository}@${pushed.digest}`;
}

/**
 * Refused with one line before any change: [name, the inputs (images pushed first), the line]. A shape
 * input other than the application's: fn-deploy-image-reuse.test.ts, in process.
 */
const refusals: Record<
  string,
  [() => Promise<{ inputs: Record<string, string>; message: RegExp | string }>]
> = {
  "an index with a BuildKit attestation manifest": [
    async () => {
      const image = await prebuilt("attested", ["amd64"], true);
      return {
        inputs: { application: "x86-apps", function: "attested", image },
        message: `image ${image} is an image index with 1 BuildKit attestation manifest(s) (platform unknown/unknown) besides the image: OCI Functions pins one image per architecture. Rebuild with --provenance=false --sbom=false (docker/build-push-action: provenance: false, sbom: false).`,
      };
    },
  ],
  "an arm64 image on a GENERIC_X86 application, naming both platforms": [
    async () => {
      const image = await prebuilt("arm64", ["arm64"]);
      return {
        inputs: { application: "x86-apps", function: "arm-on-x86", image },
        message: `image ${image} holds linux/arm64, but shape GENERIC_X86 runs linux/amd64: rebuild and push it for linux/amd64 (docker build --platform linux/amd64), or deploy to an application whose shape runs linux/arm64.`,
      };
    },
  ],
  "a shape input that is no Functions shape": [
    async () => ({
      inputs: { application: "x86-apps", function: "bad-shape", shape: "x86" },
      message: /^shape "x86" is not a Functions shape: use GENERIC_X86, GENERIC_ARM, GENERIC_X86_ARM/,
    }),
  ],
  "a build for a GENERIC_X86_ARM application, before the repository or the build": [
    async () => ({
      inputs: { application: "multi-apps", function: "multi-build", registry: "127.0.0.1:5999/ns" },
      message:
        /^application multi-apps has shape GENERIC_X86_ARM, which needs a multi-arch image .* one docker build cannot make/,
    }),
  ],
};

describe("fn-deploy checks the image against the application's shape", () => {
  for (const [name, [refusal]] of Object.entries(refusals)) {
    it(`refuses ${name}, before any change`, async (t) => {
      if (!(await components(t))) return;
      const { inputs, message } = await refusal();
      const before = mutatingCalls();
      assertUserFailure(await deploy(inputs), message, [fx.authToken]);
      assert.equal(mutatingCalls(), before);
    });
  }

  it("a fitting image is deployed: amd64 on GENERIC_X86, an amd64+arm64 index on GENERIC_X86_ARM", async (t) => {
    if (!(await components(t))) return;
    const amd64 = await prebuilt("amd64", ["amd64"]);
    const x86 = passed(await deploy({ application: "x86-apps", function: "fits-x86", image: amd64 }));
    assert.match(x86.stdout, /Image sha256:[a-f0-9]{64} holds linux\/amd64: fits shape GENERIC_X86\./);
    const both = await prebuilt("both", ["amd64", "arm64"]);
    const multi = passed(await deploy({ application: "multi-apps", function: "fits-multi", image: both }));
    assert.match(
      multi.stdout,
      /Image index sha256:[a-f0-9]{64} holds linux\/amd64, linux\/arm64: fits shape GENERIC_X86_ARM\./,
    );
    const single = await deploy({ application: "multi-apps", function: "single-on-multi", image: amd64 });
    assertUserFailure(
      single,
      /is a single linux\/amd64 image, but shape GENERIC_X86_ARM .* needs a multi-arch image index/,
    );
  });

  it("a GENERIC_ARM application gets a linux/arm64 build whose pushed config says arm64; the same folder then built for GENERIC_X86: the legacy cache's arm64 image is caught before the push and rebuilt", async (t) => {
    if (!(await components(t))) return;
    const registry = `${fx.registry?.host}/${oci.namespace}`;
    const arm = passed(await deploy({ application: "arm-apps", function: "arm-build", registry, tag: "1" }));
    assert.match(
      arm.stdout,
      /docker build runs (without attestations .*: it pushes|BuildKit \(buildx\): .* keeps the push) one linux\/arm64 image manifest\./,
    );
    const client = new RegistryClient(credentials());
    const manifest = await client.manifest(`${oci.namespace}/arm-build`, arm.outputs.digest ?? "");
    const config = JSON.parse(manifest?.body.toString("utf8") ?? "{}") as { config: { digest: string } };
    const blob = await client.blob(`${oci.namespace}/arm-build`, config.config.digest);
    const pushed = JSON.parse(blob?.toString("utf8") ?? "{}") as { architecture?: string };
    assert.equal(pushed.architecture, "arm64");

    // The legacy builder's cache hands the arm64 image of this very folder back for linux/amd64.
    const x86 = await deploy({ application: "x86-apps", function: "x86-after-arm", registry, tag: "1" });
    assert.equal(x86.exitCode, 0, x86.stdout + x86.stderr);
    // The legacy builder (Debian's docker.io with DOCKER_BUILDKIT unset) has the cache trap; BuildKit not.
    if (!process.env.DOCKER_BUILDKIT && /docker build runs without attestations/.test(x86.stdout)) {
      assert.match(
        x86.stdout,
        /docker build returned a cached linux\/arm64 image for linux\/amd64: building again with --no-cache\./,
      );
    }
    assert.match(x86.stdout, /holds linux\/amd64: fits shape GENERIC_X86\./);
  });

  it("with the buildx plugin as docker build, --provenance=false --sbom=false reach it; DOCKER_BUILDKIT=0 goes back to the legacy builder", async (t) => {
    if (!(await components(t))) return;
    const log = join(fx.functionDir, "..", `buildx-argv-${process.pid}.log`);
    // A docker CLI plugin named buildx, as the docker CLI discovers it in ~/.docker/cli-plugins: it
    // prints buildx's option lines for --help, records what it was asked to build, and builds it with
    // the legacy builder (there is no BuildKit here) without the two attestation options.
    const plugin = `#!/bin/sh
if [ "$1" = docker-cli-plugin-metadata ]; then
  echo '{"SchemaVersion":"0.1.0","Vendor":"fngate test","Version":"v0.99.0"}'; exit 0
fi
shift 2
for arg in "$@"; do case "$arg" in --help) printf 'Usage:  docker buildx build [OPTIONS] PATH\n      --provenance string   Shorthand for "--attest=type=provenance"\n      --sbom string         Shorthand for "--attest=type=sbom"\n'; exit 0;; esac; done
echo "$*" >> ${log}
for arg in "$@"; do shift; case "$arg" in --provenance=*|--sbom=*) ;; *) set -- "$@" "$arg";; esac; done
DOCKER_BUILDKIT=0 exec docker build "$@"
`;
    const prepare = async (fresh: Job) => {
      const plugins = join(fresh.home, ".docker", "cli-plugins");
      await mkdir(plugins, { recursive: true });
      await writeFile(join(plugins, "docker-buildx"), plugin);
      await chmod(join(plugins, "docker-buildx"), 0o755);
    };
    await using withPlugin = await fx.preparedJob({ prepare });
    try {
      const inputs = { application: "x86-apps", registry: `${fx.registry?.host}/${oci.namespace}` };
      const viaBuildx = passed(await deploy({ ...inputs, function: "via-buildx", tag: "1" }, withPlugin));
      const argv = await readFile(log, "utf8").catch(() => "");
      if (/docker build runs without attestations/.test(viaBuildx.stdout)) {
        // A docker CLI before 23 (Debian's 20.10) never hands `docker build` to the buildx plugin:
        // the legacy builder built it, and fngate said so instead of passing buildx's options.
        assert.doesNotMatch(argv, /via-buildx/, "the plugin was not asked to build");
        t.diagnostic("this docker CLI does not run docker build through the buildx plugin (CLI < 23)");
      } else {
        assert.match(
          viaBuildx.stdout,
          /docker build runs BuildKit \(buildx\): --provenance=false --sbom=false keeps the push one linux\/amd64 image manifest\./,
        );
        assert.match(
          argv,
          /^-t \S+\/via-buildx:1 --platform linux\/amd64 --provenance=false --sbom=false --label dev\.fngate\.context=[0-9a-f]{64} \S+\/context$/m,
        );
      }

      const legacy = await deploy({ ...inputs, function: "buildkit-off", tag: "1" }, withPlugin, {
        DOCKER_BUILDKIT: "0",
      });
      assert.equal(legacy.exitCode, 0, legacy.stdout + legacy.stderr);
      assert.match(legacy.stdout, /docker build runs without attestations \(the legacy builder/);
      assert.doesNotMatch(
        await readFile(log, "utf8").catch(() => ""),
        /buildkit-off/,
        "the plugin was not asked to build",
      );
    } finally {
      await rm(log, { force: true });
    }
  });
});
