// fn-deploy on a runner whose docker holds nothing of the function (a fresh CI job): the registry is
// asked for an image built from the same source (the context hash, recorded as a tag) before any
// build. Through the step with the production tools (fnDeployTools: the real docker CLI behind a
// recording wrapper, docker's stored login), the real Docker engine and distribution registry, and
// the OCI emulator. Counted from the wrapper's log: which docker builds and pushes really ran.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { promisify } from "node:util";
import { contextTag } from "../src/docker/context-tags.ts";
import type { StepContext } from "../src/step-context.ts";
import { deployFunction, type FnDeployInputs, type FnDeployTools } from "../src/steps/fn-deploy.ts";
import { fnDeployTools } from "../src/tools/step-tools.ts";
import { isMutating } from "./emulators/oci/request-log.ts";
import { RegistryClient } from "./emulators/registry/registry-client.ts";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { type DockerRecorder, dockerRecorder, removeLocalImages } from "./support/docker-recorder.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { dockerEngineRunning, executableExists, requireComponent } from "./support/real-components.ts";
import { type RegistryFaultProxy, startRegistryFaultProxy } from "./support/registry-fault-proxy.ts";

const run = promisify(execFile);
const TOKEN = `reuse-${process.pid}`;
let oci: OciFixture;
let registry: StartedRegistry | undefined;
let proxy: RegistryFaultProxy | undefined;
let recorder: DockerRecorder | undefined;
let root: string;
let ociProfile: FnDeployInputs["ociProfile"];
const user = () => ({ username: `${oci.namespace}/ci-user`, password: TOKEN });

before(async () => {
  oci = await startOciFixture();
  trustCaInProcess(oci.stack.caPem);
  oci.stack.oci.state.createApplication({ compartmentId: oci.tenancyId, displayName: "apps" });
  root = await mkdtemp(join(tmpdir(), "fngate-image-reuse-"));
  await writeFile(join(root, "key.pem"), oci.key.pkcs8, { mode: 0o600 });
  await writeFile(
    join(root, "oci-config"),
    `[DEFAULT]\nuser=${oci.userId}\nfingerprint=${oci.key.fingerprint}\ntenancy=${oci.tenancyId}\nregion=ap-tokyo-1\nkey_file=${join(root, "key.pem")}\n`,
    { mode: 0o600 },
  );
  ociProfile = { configFile: join(root, "oci-config"), profile: "DEFAULT" };
  if (await executableExists("/usr/bin/docker-registry")) {
    registry = await startRegistry({ users: [user()] });
    oci.stack.oci.setRegistry({ url: registry.url, ...user() });
    proxy = await startRegistryFaultProxy(registry.url);
    recorder = await dockerRecorder();
  }
});
after(async () => {
  await proxy?.close();
  await registry?.close();
  await recorder?.dispose();
  await oci?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function componentsPresent(t: TestContext): Promise<boolean> {
  if (!(await requireComponent(t, "docker-registry", () => executableExists("/usr/bin/docker-registry"))))
    return false;
  return requireComponent(t, "the Docker engine", dockerEngineRunning);
}

/** The function's folder: FROM scratch (builds offline), a file the build copies, one it ignores. */
async function functionFolder(name: string): Promise<string> {
  const dir = join(root, "workspace", name);
  await mkdir(dir, { recursive: true });
  await cp(resolve(import.meta.dirname, "../examples/hello"), dir, { recursive: true });
  await writeFile(join(dir, "Dockerfile"), "FROM scratch\nCOPY func.js func.yaml /function/\n");
  await writeFile(join(dir, ".dockerignore"), "notes.txt\n");
  await writeFile(join(dir, "notes.txt"), "not part of the image\n");
  return dir;
}

interface Runner {
  ctx: StepContext;
  tools: FnDeployTools;
  log: string[];
  warnings: string[];
}

/**
 * A fresh runner: its own HOME and temp folder, docker logged in to `host` from scratch (its own
 * config.json), the step's tools as the adapters make them. `storedLogin` replaces what docker stored.
 */
async function freshRunner(host: string, storedLogin?: FnDeployTools["storedLogin"]): Promise<Runner> {
  const home = await mkdtemp(join(root, "home-"));
  const tempDir = await mkdtemp(join(root, "temp-"));
  const env = { PATH: recorder?.path ?? "", HOME: home, DOCKER_CONFIG: join(home, ".docker") };
  const login = run("docker", ["login", host, "-u", user().username, "--password-stdin"], { env });
  login.child.stdin?.end(TOKEN);
  await login;
  const tools = await fnDeployTools({ env, homeDir: home, idToken: async () => "" });
  if (storedLogin) tools.storedLogin = storedLogin;
  const log: string[] = [];
  const warnings: string[] = [];
  const ctx: StepContext = {
    logger: {
      info: (m) => log.push(m),
      warning: (m) => warnings.push(m),
      debug: () => {},
      group: (name, work) => {
        log.push(`── ${name}`);
        return work();
      },
    },
    secrets: { register: () => {} },
    endpoints: { oci: oci.stack.endpoints.oci },
    proxy: {},
    homeDir: home,
    tempDir,
    workspaceDir: join(root, "workspace"),
    now: () => new Date(),
  };
  await recorder?.reset();
  return { ctx, tools, log, warnings };
}

function inputs(path: string, host: string, overrides: Partial<FnDeployInputs> = {}): FnDeployInputs {
  return {
    application: "apps",
    compartmentOcid: oci.tenancyId,
    path,
    // Each test its own function, so its own repository (func.yaml names them all hello).
    function: basename(path),
    registry: `${host}/${oci.namespace}`,
    gitSha: "1111111aaaa",
    wait: true,
    ociProfile,
    ...overrides,
  };
}

function mutatingCalls(): number {
  return oci.stack.oci.requests.filter(isMutating).length;
}

function registryClient(): RegistryClient {
  return new RegistryClient({ url: registry?.url ?? "", ...user() });
}

describe("fn-deploy reuses the image the registry holds from the same source", () => {
  it("a fresh runner with unchanged source: no build, no push, the same digest, no mutating call", async (t) => {
    if (!(await componentsPresent(t))) return;
    const host = registry?.host ?? "";
    const dir = await functionFolder("fresh");
    const first = await freshRunner(host);
    const built = await deployFunction(inputs(dir, host), first.ctx, first.tools);
    assert.equal(built.built, true);
    assert.deepEqual(await recorder?.counts(), { builds: 1, pushes: 1, logins: 0 });
    const hash = built.contextHash ?? "";
    assert.match(hash, /^[0-9a-f]{64}$/);
    const repository = `${oci.namespace}/fresh`;
    assert.equal(await registryClient().manifestDigest(repository, contextTag(hash)), built.digest);
    assert.deepEqual(first.warnings, []);

    assert.ok((await removeLocalImages(`${host}/${repository}`)) > 0, "the built image was local");
    const second = await freshRunner(host);
    const calls = mutatingCalls();
    const again = await deployFunction(inputs(dir, host), second.ctx, second.tools);
    assert.deepEqual(await recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
    assert.equal(again.built, false);
    assert.equal(again.digest, built.digest);
    assert.equal(again.contextHash, hash);
    assert.equal(again.action, "unchanged");
    assert.equal(mutatingCalls(), calls, "a mutating OCI call");
    assert.ok(
      second.log.includes(
        `Reused image ${host}/${repository}@${built.digest}, built from the same source (context ${hash.slice(0, 12)}, tag ${contextTag(hash)}): no docker build, no push.`,
      ),
      second.log.join("\n"),
    );
    assert.ok(!second.log.some((line) => line.startsWith("── docker build")), "no build section");
    assert.deepEqual(second.warnings, []);
  });

  it("a new commit of unchanged source: its tag is put on the same manifest, nothing is built", async (t) => {
    if (!(await componentsPresent(t))) return;
    const host = registry?.host ?? "";
    const dir = await functionFolder("commit");
    const first = await freshRunner(host);
    const built = await deployFunction(inputs(dir, host), first.ctx, first.tools);
    const next = await freshRunner(host);
    const moved = await deployFunction(inputs(dir, host, { gitSha: "2222222bbbb" }), next.ctx, next.tools);
    assert.deepEqual(await recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
    assert.equal(moved.image, `${host}/${oci.namespace}/commit:0.0.1-2222222`);
    assert.equal(moved.digest, built.digest);
    assert.equal(
      await registryClient().manifestDigest(`${oci.namespace}/commit`, "0.0.1-2222222"),
      built.digest,
      "the new tag points at the reused image",
    );
    assert.ok(
      next.log.some((line) => line.startsWith(`Tagged ${built.digest} as ${moved.image} in the registry`)),
    );
  });

  it("a one-byte change in a copied file or in the Dockerfile rebuilds; one in an ignored file does not", async (t) => {
    if (!(await componentsPresent(t))) return;
    const host = registry?.host ?? "";
    const dir = await functionFolder("changes");
    const deploy = async (label: string) => {
      const runner = await freshRunner(host);
      const result = await deployFunction(inputs(dir, host), runner.ctx, runner.tools);
      const counts = await recorder?.counts();
      return {
        label,
        built: result.built,
        builds: counts?.builds,
        pushes: counts?.pushes,
        digest: result.digest,
      };
    };
    const original = await deploy("first");
    await writeFile(join(dir, "notes.txt"), "not part of the image!\n");
    const ignored = await deploy("ignored file");
    await writeFile(join(dir, "func.yaml"), `${await readFile(join(dir, "func.yaml"), "utf8")} `);
    const copied = await deploy("copied file");
    await writeFile(join(dir, "Dockerfile"), "FROM scratch\nCOPY func.js func.yaml /function/\n\n");
    const dockerfile = await deploy("Dockerfile");
    assert.deepEqual(
      [original, ignored, copied, dockerfile].map(({ label, built, builds, pushes }) => ({
        label,
        built,
        builds,
        pushes,
      })),
      [
        { label: "first", built: true, builds: 1, pushes: 1 },
        { label: "ignored file", built: false, builds: 0, pushes: 0 },
        { label: "copied file", built: true, builds: 1, pushes: 1 },
        { label: "Dockerfile", built: true, builds: 1, pushes: 1 },
      ],
    );
    assert.equal(ignored.digest, original.digest);
    assert.notEqual(copied.digest, original.digest);
  });
});

describe("when the registry cannot answer the check, fn-deploy builds as before", () => {
  it("a login the registry refuses (401): built and pushed, with one warning naming the registry", async (t) => {
    if (!(await componentsPresent(t))) return;
    const host = registry?.host ?? "";
    const dir = await functionFolder("refused-check");
    const first = await freshRunner(host);
    await deployFunction(inputs(dir, host), first.ctx, first.tools);
    // docker's own login is good (the push works); what the check presents is not.
    const runner = await freshRunner(host, async () => ({ username: user().username, password: "wrong" }));
    const result = await deployFunction(inputs(dir, host), runner.ctx, runner.tools);
    assert.equal(result.built, true);
    assert.deepEqual(await recorder?.counts(), { builds: 1, pushes: 1, logins: 0 });
    const tag = contextTag(result.contextHash ?? "");
    assert.deepEqual(runner.warnings, [
      `Could not ask ${host} for an image built from the same source (HTTP 401 for ${tag}): building and pushing it.`,
      `Could not tag ${host}/${oci.namespace}/refused-check@${result.digest} as ${tag} (HTTP 401 for ${result.digest}): the next run on a fresh runner builds the image again.`,
    ]);
  });

  it("a registry failing the lookup (500): built and pushed with a warning; reused once it answers again", async (t) => {
    if (!(await componentsPresent(t)) || !proxy) return;
    const host = proxy.host;
    const dir = await functionFolder("failing-check");
    const lookups = (method: string, path: string) => method === "GET" && /\/manifests\/fngate-/.test(path);
    proxy.fail(lookups, 500);
    try {
      const first = await freshRunner(host);
      const built = await deployFunction(inputs(dir, host), first.ctx, first.tools);
      const second = await freshRunner(host);
      const rebuilt = await deployFunction(inputs(dir, host), second.ctx, second.tools);
      assert.equal(rebuilt.built, true, "the tag exists, but the registry would not say so");
      assert.deepEqual(await recorder?.counts(), { builds: 1, pushes: 1, logins: 0 });
      assert.deepEqual(second.warnings, [
        `Could not ask ${host} for an image built from the same source (HTTP 500 for ${contextTag(built.contextHash ?? "")}): building and pushing it.`,
      ]);
      assert.ok(proxy.faulted.length >= 2);
    } finally {
      proxy.clear();
    }
    const third = await freshRunner(host);
    const reused = await deployFunction(inputs(dir, host), third.ctx, third.tools);
    assert.equal(reused.built, false);
    assert.deepEqual(await recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
  });
});
