// An OCI tenancy that can take a function image, as the fn-deploy and pipeline tests need it: the OCI
// fixture, the real distribution registry (when installed) standing in for OCIR with the user
// <namespace>/ci-user, a function folder (examples/hello built FROM scratch unless the test writes its
// own), and jobs in a checkout of that folder that have run fn-context and ocir-login first.
import assert from "node:assert/strict";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type StartedRegistry, startRegistry } from "../emulators/registry/start-registry.ts";
import { startTokenRegistry } from "../emulators/registry/token-registry.ts";
import { Job, type TreeSnapshot } from "../runner/index.ts";
import { type OciFixture, type OciFixtureOptions, startOciFixture } from "./oci-fixture.ts";
import { registryInstalled } from "./real-components.ts";

export interface FnDeployFixture {
  oci: OciFixture;
  /** undefined where docker-registry is not installed (tests needing it skip: requireDockerAndRegistry). */
  registry: StartedRegistry | undefined;
  /** The OCIR auth token of ci-user. */
  authToken: string;
  functionDir: string;
  /** ocir-login's inputs for ci-user. */
  loginInputs(): Record<string, string>;
  /** A job in a checkout of functionDir that has run fn-context and, unless `login` is false, ocir-login. */
  preparedJob(options?: PreparedJobOptions): Promise<PreparedJob>;
  close(): Promise<void>;
}

/** `before` is HOME and RUNNER_TEMP before any step, what the post steps must return them to. */
export type PreparedJob = Job & { before: TreeSnapshot };

export interface PreparedJobOptions {
  login?: boolean;
  env?: Record<string, string>;
  /** The folder the job checks out instead of functionDir. */
  checkout?: string;
  /** Runs on the fresh job before fn-context. */
  prepare?: (job: Job) => Promise<void>;
}

export interface FnDeployFixtureOptions extends OciFixtureOptions {
  /**
   * "token" runs the registry in token-auth mode with the OCI emulator as its realm, as OCIR does
   * (registry tokens and ci-user's auth token both log in); "htpasswd" (the default) knows ci-user only.
   */
  registryAuth?: "htpasswd" | "token";
  /** The function folder's files instead of examples/hello. */
  functionFiles?: Record<string, string>;
  /** ci-user's auth token (default: one made of the label). */
  authToken?: string;
}

/** `label` names the temporary folder and the auth token, so parallel files never share them. */
export async function startFnDeployFixture(
  label: string,
  options: FnDeployFixtureOptions = {},
): Promise<FnDeployFixture> {
  const {
    registryAuth,
    functionFiles,
    authToken = `ocir-${process.pid}-${label}-tok`,
    ...ociOptions
  } = options;
  const oci = await startOciFixture(ociOptions);
  let registry: StartedRegistry | undefined;
  if (await registryInstalled()) {
    const user = { username: `${oci.namespace}/ci-user`, password: authToken };
    if (registryAuth === "token") {
      registry = await startTokenRegistry(oci.stack.oci);
      oci.stack.oci.registryTokens.addAuthTokenUser({ ...user, tenancyId: oci.tenancyId });
    } else {
      registry = await startRegistry({ users: [user] });
      oci.stack.oci.setRegistry({ url: registry.url, ...user });
    }
  }
  const functionDir = await mkdtemp(join(tmpdir(), `fngate-${label}-fn-`));
  if (functionFiles) {
    for (const [name, text] of Object.entries(functionFiles)) await writeFile(join(functionDir, name), text);
  } else {
    await cp(resolve(import.meta.dirname, "../../examples/hello"), functionDir, { recursive: true });
    // FROM scratch: nothing can be pulled here; the emulator runs the example's code through the FDK.
    await writeFile(join(functionDir, "Dockerfile"), "FROM scratch\nCOPY func.js /function/func.js\n");
  }
  const loginInputs = () => ({
    region: "ap-tokyo-1",
    namespace: oci.namespace,
    username: "ci-user",
    "auth-token": authToken,
    registry: registry?.host ?? "",
  });
  return {
    oci,
    registry,
    authToken,
    functionDir,
    loginInputs,
    preparedJob: async ({ login = true, env = {}, checkout = functionDir, prepare } = {}) => {
      const job = await Job.create({ env: { ...oci.env, ...env }, checkout });
      const before = await job.snapshot();
      await prepare?.(job);
      const context = await job.run("fn-context", { inputs: oci.inputs() });
      assert.equal(context.exitCode, 0, context.stdout);
      if (login) {
        const run = await job.run("ocir-login", { inputs: loginInputs() });
        assert.equal(run.exitCode, 0, run.stdout);
      }
      return Object.assign(job, { before });
    },
    close: async () => {
      await registry?.close();
      await oci.close();
      await rm(functionDir, { recursive: true, force: true });
    },
  };
}
