// The world of the fn-deploy image-reuse tests: the OCI emulator with an application, the real
// registry (and a fault proxy in front of it), the real docker CLI behind a recording wrapper, and
// "fresh runners": each its own HOME, temp folder and docker login, with fn-deploy's tools made as the
// adapters make them (fnDeployTools).
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import type { StepContext } from "../../src/step-context.ts";
import {
  deployFunction,
  type FnDeployInputs,
  type FnDeployResult,
  type FnDeployTools,
} from "../../src/steps/fn-deploy.ts";
import { fnDeployTools } from "../../src/tools/step-tools.ts";
import { isMutating } from "../emulators/oci/request-log.ts";
import { RegistryClient } from "../emulators/registry/registry-client.ts";
import { type StartedRegistry, startRegistry } from "../emulators/registry/start-registry.ts";
import { trustCaInProcess } from "../emulators/tls/trust.ts";
import { type DockerRecorder, dockerRecorder } from "./docker-recorder.ts";
import { type OciFixture, startOciFixture } from "./oci-fixture.ts";
import { registryInstalled } from "./real-components.ts";
import { type RegistryFaultProxy, startRegistryFaultProxy } from "./registry-fault-proxy.ts";

const run = promisify(execFile);

/** A step context of its own (HOME and temp folder) that records what the step logs and registers. */
export interface RunnerContext {
  ctx: StepContext;
  log: string[];
  warnings: string[];
  secrets: string[];
}

export interface Runner extends RunnerContext {
  tools: FnDeployTools;
}

export interface ReuseWorld {
  oci: OciFixture;
  /** Undefined where the registry package is missing (the tests then skip, or fail under CI). */
  registry: StartedRegistry | undefined;
  proxy: RegistryFaultProxy | undefined;
  recorder: DockerRecorder | undefined;
  namespace: string;
  /** ci-user's password at the registry (its OCIR auth token). */
  authToken: string;
  /** The function's folder: FROM scratch (builds offline), a file the build copies, one it ignores. */
  functionFolder(name: string): Promise<string>;
  /** A step context on a fresh runner, without docker. */
  stepContext(): Promise<RunnerContext>;
  /**
   * A fresh runner: docker logged in to `host` from scratch (its own config.json) and the recorder's
   * log emptied. `storedLogin` replaces the login docker stored, for the registry API calls only.
   */
  freshRunner(host: string, storedLogin?: FnDeployTools["storedLogin"]): Promise<Runner>;
  /** fn-deploy's inputs for the folder: the function and repository named after it. */
  inputs(path: string, host: string, overrides?: Partial<FnDeployInputs>): FnDeployInputs;
  /** fn-deploy of the folder (inputs as above) on a fresh runner (freshRunner): its result, and the runner. */
  deployFresh(
    path: string,
    host: string,
    overrides?: Partial<FnDeployInputs>,
    storedLogin?: FnDeployTools["storedLogin"],
  ): Promise<[FnDeployResult, Runner]>;
  mutatingCalls(): number;
  /** Reads the registry directly, with the user's login. */
  registryClient(): RegistryClient;
  close(): Promise<void>;
}

export async function startReuseWorld(): Promise<ReuseWorld> {
  const oci = await startOciFixture();
  trustCaInProcess(oci.stack.caPem);
  oci.stack.oci.state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: "apps" });
  const root = await mkdtemp(join(tmpdir(), "fngate-image-reuse-"));
  await writeFile(join(root, "key.pem"), oci.key.pkcs8, { mode: 0o600 });
  await writeFile(
    join(root, "oci-config"),
    `[DEFAULT]\nuser=${oci.userId}\nfingerprint=${oci.key.fingerprint}\ntenancy=${oci.tenancyId}\nregion=ap-tokyo-1\nkey_file=${join(root, "key.pem")}\n`,
    { mode: 0o600 },
  );
  const ociProfile = { configFile: join(root, "oci-config"), profile: "DEFAULT" };
  const user = { username: `${oci.namespace}/ci-user`, password: `reuse-${process.pid}` };
  let registry: StartedRegistry | undefined;
  let proxy: RegistryFaultProxy | undefined;
  let recorder: DockerRecorder | undefined;
  if (await registryInstalled()) {
    registry = await startRegistry({ users: [user] });
    oci.stack.oci.setRegistry({ url: registry.url, ...user });
    proxy = await startRegistryFaultProxy(registry.url);
    recorder = await dockerRecorder();
  }
  const workspaceDir = join(root, "workspace");
  const stepContext = async (): Promise<RunnerContext> => {
    const [log, warnings, secrets]: [string[], string[], string[]] = [[], [], []];
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
      secrets: { register: (value) => secrets.push(value) },
      endpoints: { oci: oci.stack.endpoints.oci },
      proxy: {},
      homeDir: await mkdtemp(join(root, "home-")),
      tempDir: await mkdtemp(join(root, "temp-")),
      workspaceDir,
      now: () => new Date(),
    };
    return { ctx, log, warnings, secrets };
  };
  const freshRunner = async (host: string, storedLogin?: FnDeployTools["storedLogin"]): Promise<Runner> => {
    const runner = await stepContext();
    const env = {
      PATH: recorder?.path ?? "",
      HOME: runner.ctx.homeDir,
      DOCKER_CONFIG: join(runner.ctx.homeDir, ".docker"),
    };
    const login = run("docker", ["login", host, "-u", user.username, "--password-stdin"], { env });
    login.child.stdin?.end(user.password);
    await login;
    const tools = await fnDeployTools({ env, homeDir: runner.ctx.homeDir, idToken: async () => "" });
    if (storedLogin) tools.storedLogin = storedLogin;
    await recorder?.reset();
    return { ...runner, tools };
  };
  const inputs = (path: string, host: string, overrides: Partial<FnDeployInputs> = {}): FnDeployInputs => ({
    application: "apps",
    compartmentOcid: oci.tenancyId,
    path,
    // func.yaml names them all hello: each test its own function, so its own repository.
    function: basename(path),
    registry: `${host}/${oci.namespace}`,
    gitSha: "1111111aaaa",
    wait: true,
    ociProfile,
    ...overrides,
  });
  return {
    oci,
    registry,
    proxy,
    recorder,
    namespace: oci.namespace,
    authToken: user.password,
    functionFolder: async (name) => {
      const dir = join(workspaceDir, name);
      await mkdir(dir, { recursive: true });
      await cp(resolve(import.meta.dirname, "../../examples/hello"), dir, { recursive: true });
      await writeFile(join(dir, "Dockerfile"), "FROM scratch\nCOPY func.js func.yaml /function/\n");
      await writeFile(join(dir, ".dockerignore"), "notes.txt\n");
      await writeFile(join(dir, "notes.txt"), "not part of the image\n");
      return dir;
    },
    stepContext,
    freshRunner,
    inputs,
    deployFresh: async (path, host, overrides, storedLogin) => {
      const runner = await freshRunner(host, storedLogin);
      return [await deployFunction(inputs(path, host, overrides), runner.ctx, runner.tools), runner];
    },
    mutatingCalls: () => oci.stack.oci.requests.filter(isMutating).length,
    registryClient: () => new RegistryClient({ url: registry?.url ?? "", ...user }),
    close: async () => {
      await proxy?.close();
      await registry?.close();
      await recorder?.dispose();
      await oci.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
