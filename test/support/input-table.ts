// Input-validation tables in process: the line a user reads for a set of action inputs, found by calling
// the real functions in the order the adapters call them, without a child process. For an action
// (runMain, src/github/run.ts): the text checks of every INPUT_*, the reader, the declared secrets
// masked, deadline-minutes, the parser with the host the step's environment gives (actionInputHost),
// then what the action's main runs until its first call to a cloud. For the CLI (src/cli/main.ts): the
// flag and FNGATE_* reader, the masks, --deadline-minutes, then the same. Every cloud endpoint points at
// a tripwire, a local port that counts connections: a case that reaches it is accepted (every check that
// needs no call passed), and a refusal must not have touched it.
// The runner harness (test/runner) keeps what only a real process shows: the exit code, one ::error::
// line and no stack trace, masks in the log, files left behind, the post step.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { actionMetadata } from "../../src/cli/action-metadata.ts";
import { cliInputHost } from "../../src/cli/cli-host.ts";
import { cliInputs } from "../../src/cli/cli-inputs.ts";
import { COMMANDS } from "../../src/cli/commands/index.ts";
import { UsageError } from "../../src/cli/usage-error.ts";
import { DEADLINE_INPUT, parseDeadlineMinutes } from "../../src/deadline.ts";
import { isUserError } from "../../src/errors.ts";
import { actionInputHost, actionToolSources } from "../../src/github/action-host.ts";
import { actionInputReader, checkActionInputs } from "../../src/github/action-reader.ts";
import { endpointOverrides } from "../../src/http/endpoint-overrides.ts";
import { proxySettings } from "../../src/http/proxy-settings.ts";
import type { InputHost } from "../../src/inputs/input-host.ts";
import type { InputReader } from "../../src/inputs/reader.ts";
import { maskDeclaredSecrets } from "../../src/inputs/secret-inputs.ts";
import { secretPieces } from "../../src/secret-pieces.ts";
import type { StepContext } from "../../src/step-context.ts";
import {
  cloudRunTools,
  entraTools,
  googleTokenSource,
  type ToolSources,
} from "../../src/tools/step-tools.ts";
import { type ActionMetadata, applyMasks, loadActionMetadata } from "../runner/index.ts";
import { resolveInputEnv } from "../runner/step-env.ts";

/** What a main gets, shaped as runMain's ActionRun; `untilFirstCall` ends a step at its first call. */
interface MainRun {
  read: InputReader;
  host: InputHost;
  tools: ToolSources;
  ctx(): StepContext;
  untilFirstCall(step: Promise<unknown>): Promise<void>;
}

/**
 * Each action's main (src/github/<action>/main.ts) as far as it goes without a cloud: the parser, then
 * the step, stopped by the tripwire at its first call. gateway-deploy runs planGatewayDeploy, the
 * step's first statement (what follows needs the OCI profile's files). The other actions have no table
 * yet and stop after their parser. Imported on use: a table loads only its own cloud's SDK.
 */
const MAINS: Readonly<Record<string, (run: MainRun) => Promise<unknown>>> = {
  "cloud-run-deploy": async ({ read, host, tools, ctx, untilFirstCall }) => {
    const { readCloudRunDeployInputs } = await import("../../src/inputs/cloud-run-deploy.ts");
    const { cloudRunDeploy } = await import("../../src/steps/cloud-run-deploy.ts");
    const inputs = readCloudRunDeployInputs(read, host);
    await untilFirstCall(cloudRunDeploy(inputs, ctx(), await cloudRunTools(tools)));
    return inputs;
  },
  "entra-token": async ({ read, tools, ctx, untilFirstCall }) => {
    const { readEntraTokenInputs } = await import("../../src/inputs/entra-token.ts");
    const { entraToken } = await import("../../src/steps/entra-token.ts");
    const inputs = readEntraTokenInputs(read);
    await untilFirstCall(entraToken(inputs, ctx(), entraTools(tools)));
    return inputs;
  },
  "fc-deploy": async ({ read, host, ctx, untilFirstCall }) => {
    const { readFcDeployInputs } = await import("../../src/inputs/fc-deploy.ts");
    const { fcDeploy } = await import("../../src/steps/fc-deploy.ts");
    const inputs = readFcDeployInputs(read, host);
    await untilFirstCall(fcDeploy(inputs, ctx()));
    return inputs;
  },
  "fn-context": async ({ read, host, ctx, untilFirstCall }) => {
    const { readFnContextInputs } = await import("../../src/inputs/fn-context.ts");
    const { configureFnContext } = await import("../../src/steps/fn-context.ts");
    const inputs = readFnContextInputs(read, host);
    await untilFirstCall(configureFnContext(inputs, ctx()));
    return inputs;
  },
  "gateway-deploy": async ({ read, host }) => {
    const { readGatewayDeployInputs } = await import("../../src/inputs/gateway-deploy.ts");
    const { planGatewayDeploy } = await import("../../src/oci/gateway/gateway-plan.ts");
    const inputs = readGatewayDeployInputs(read, host);
    planGatewayDeploy(inputs);
    return inputs;
  },
  "gcp-id-token": async ({ read, tools, ctx, untilFirstCall }) => {
    const { readGcpIdTokenInputs } = await import("../../src/inputs/gcp-id-token.ts");
    const { checkTokenFormat, gcpAccessToken, gcpIdToken } = await import("../../src/steps/gcp-id-token.ts");
    const inputs = readGcpIdTokenInputs(read);
    const step =
      checkTokenFormat(inputs.tokenFormat, inputs.audience) === "access-token" ? gcpAccessToken : gcpIdToken;
    await untilFirstCall(step(inputs, ctx(), googleTokenSource(tools)));
    return inputs;
  },
  "fn-deploy": async ({ read, host }) =>
    (await import("../../src/inputs/fn-deploy.ts")).readFnDeployInputs(read, host),
  "oci-token": async ({ read }) => (await import("../../src/inputs/oci-token.ts")).readOciTokenInputs(read),
  "ocir-login": async ({ read, host }) =>
    (await import("../../src/inputs/ocir-login.ts")).readOcirLoginInputs(read, host),
  pipeline: async ({ read, host }) =>
    (await import("../../src/inputs/pipeline.ts")).readPipelineInputs(read, host),
  preflight: async ({ read, host }) =>
    (await import("../../src/inputs/preflight.ts")).readPreflightInputs(read, host),
  "smoke-test": async ({ read }) =>
    (await import("../../src/inputs/smoke-test.ts")).readSmokeTestInputs(read),
  teardown: async ({ read, host }) =>
    (await import("../../src/inputs/teardown.ts")).readTeardownInputs(read, host),
};

export interface ActionCase {
  /** As a workflow's `with:`; undefined leaves an input unset. action.yml defaults fill the rest. */
  inputs?: Record<string, string | undefined>;
  /**
   * The step's environment besides INPUT_*: the job's env and what earlier steps exported. Every
   * FNGATE_*_ENDPOINT points at the tripwire unless set here (undefined: the cloud's own endpoint).
   */
  env?: Record<string, string | undefined>;
  /** GITHUB_WORKSPACE (the CLI's working folder): a fresh empty folder unless given. */
  workspace?: string;
}

export interface CliCase {
  /** --name value, as given on the command line. */
  flags?: Record<string, string>;
  /** FNGATE_<NAME>, secret files, the OCI CLI fallbacks; FNGATE_*_ENDPOINT as for ActionCase. */
  env?: Record<string, string | undefined>;
  workspace?: string;
}

interface Seen {
  /** Connections made to a cloud endpoint (the tripwire). */
  calls: number;
  /** Files written under HOME and RUNNER_TEMP, relative to them. */
  written: string[];
  /** What was registered to be hidden in the log. */
  masks: string[];
}

export type Verdict =
  | (Seen & { outcome: "refused"; line: string; exitCode: 1 | 2 })
  | (Seen & { outcome: "accepted"; inputs: unknown });

/** What the runner would show for `action` with these inputs: the ::error:: line, or the parsed inputs. */
export function actionVerdict(action: string, given: ActionCase = {}): Promise<Verdict> {
  return inWorld(given, async (world) => {
    const env = {
      ...world.env,
      ...resolveInputEnv(await metadataOf(action), withoutUnset(given.inputs ?? {})),
    };
    const masks: string[] = [];
    const mask = (value: string) => masks.push(...secretPieces(value, { acrossLines: false }));
    const outcome = await refusedOr(async () => {
      checkActionInputs(action, env);
      const read = actionInputReader(env, mask);
      maskDeclaredSecrets(action, read);
      parseDeadlineMinutes(read.optional(DEADLINE_INPUT));
      const tools = { ...actionToolSources(env), homeDir: world.home };
      return world.runMain(action, { read, host: actionInputHost(env), tools }, env, mask);
    });
    if ("error" in outcome) return { line: applyMasks(outcome.error.message, masks), exitCode: 1, masks };
    return { inputs: outcome.value, masks };
  });
}

/** The ::error:: line `action` refuses these inputs with, having made no call and written nothing. */
export async function actionRefusal(action: string, given: ActionCase = {}): Promise<string> {
  return refusalLine(await actionVerdict(action, given));
}

/** What `fngate <command>` would print for `action`'s inputs as flags and variables. */
export function cliVerdict(action: string, given: CliCase = {}): Promise<Verdict> {
  return inWorld(given, async (world) => {
    const command = COMMANDS.find((c) => c.action === action);
    const flags = new Map(Object.entries(given.flags ?? {}));
    const extra = ["deadline-minutes", ...(command?.flags ?? []).map((flag) => flag.name)];
    const masks: string[] = [];
    const redactor = {
      add: (value: string) => masks.push(...secretPieces(value, { acrossLines: true })),
      redact: (text: string) => applyMasks(text, masks),
    };
    const outcome = await refusedOr(async () => {
      const read = cliInputs(actionMetadata(action), flags, world.env, redactor, extra, action);
      maskDeclaredSecrets(action, read);
      parseDeadlineMinutes(
        flags.get("deadline-minutes") ?? world.env.FNGATE_DEADLINE_MINUTES,
        "--deadline-minutes",
      );
      const host = cliInputHost(world.env, world.home, { register: redactor.add });
      const tools = { env: world.env, homeDir: world.home, idToken: host.idToken };
      return world.runMain(action, { read, host, tools }, world.env, redactor.add);
    });
    if (!("error" in outcome)) return { inputs: outcome.value, masks };
    const usage = outcome.error instanceof UsageError;
    const line = usage
      ? `${outcome.error.message} (fngate ${command?.name ?? action} --help)`
      : outcome.error.message;
    return { line: redactor.redact(line), exitCode: usage ? 2 : 1, masks };
  });
}

export async function cliRefusal(action: string, given: CliCase = {}): Promise<string> {
  return refusalLine(await cliVerdict(action, given));
}

/** The message of the UserError `run` throws; fails when it throws none. */
export function refusalOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(isUserError(error), `a UserError, got ${String(error)}`);
    return error.message;
  }
  assert.fail("expected a refusal");
}

/** The tripwire every cloud endpoint points at: `host` for an input that names a host (authority-host). */
export function tripwire(): Promise<{ host: string; url: string }> {
  return startedTripwire();
}

function refusalLine(verdict: Verdict): string {
  assert.equal(verdict.outcome, "refused", `refused, but every check passed (${verdict.calls} call(s) made)`);
  assert.ok(verdict.outcome === "refused");
  assert.doesNotMatch(verdict.line, /\n/, "one line");
  assert.equal(verdict.calls, 0, `no call before the refusal: ${verdict.line}`);
  assert.deepEqual(verdict.written, [], `nothing written before the refusal: ${verdict.line}`);
  return verdict.line;
}

async function refusedOr<T>(run: () => Promise<T>): Promise<{ value: T } | { error: Error }> {
  try {
    return { value: await run() };
  } catch (error) {
    // Anything but a user's error is a bug: the test shows it whole.
    if (isUserError(error) || error instanceof UsageError) return { error };
    throw error;
  }
}

interface World {
  env: Record<string, string>;
  home: string;
  runMain(
    action: string,
    run: Pick<MainRun, "read" | "host" | "tools">,
    env: NodeJS.ProcessEnv,
    mask: (value: string) => void,
  ): Promise<unknown>;
}

type Outcome = { line: string; exitCode: 1 | 2; masks: string[] } | { inputs: unknown; masks: string[] };

/** HOME, RUNNER_TEMP and the workspace in a fresh folder, removed afterwards; endpoints at the tripwire. */
async function inWorld(
  given: ActionCase | CliCase,
  decide: (world: World) => Promise<Outcome>,
): Promise<Verdict> {
  const wire = await startedTripwire();
  const root = await mkdtemp(join(tmpdir(), "fngate-input-table-"));
  const home = join(root, "home");
  const temp = join(root, "runner-temp");
  const workspace = given.workspace ?? join(root, "workspace");
  for (const folder of [home, temp, workspace]) await mkdir(folder, { recursive: true });
  const env = withoutUnset({
    FNGATE_OCI_ENDPOINT: wire.url,
    FNGATE_GCP_ENDPOINT: wire.url,
    FNGATE_ALIBABA_ENDPOINT: wire.url,
    ...given.env,
    HOME: home,
    RUNNER_TEMP: temp,
    GITHUB_WORKSPACE: workspace,
  });
  const callsBefore = wire.calls;
  const abort = new AbortController();
  const world: World = {
    env,
    home,
    runMain: async (action, run, stepEnv, mask) => {
      const main = MAINS[action];
      assert.ok(main, `test/support/input-table.ts has no main for ${action}`);
      let ctx: StepContext | undefined;
      return main({
        ...run,
        // Built on first use, after the parser, as runMain builds it (the endpoint checks come after the inputs').
        ctx: () => {
          ctx ??= {
            logger: { info: () => {}, warning: () => {}, debug: () => {} },
            secrets: { register: mask },
            endpoints: endpointOverrides(stepEnv),
            proxy: proxySettings(stepEnv),
            homeDir: home,
            tempDir: temp,
            workspaceDir: workspace,
            now: () => new Date(),
            signal: abort.signal,
          };
          return ctx;
        },
        untilFirstCall: (step) => untilFirstCall(step, wire, abort),
      });
    },
  };
  try {
    const outcome = await decide(world);
    const written = [...(await filesUnder(home)), ...(await filesUnder(temp))];
    const seen = { calls: wire.calls - callsBefore, written, masks: outcome.masks };
    return "line" in outcome
      ? { ...seen, outcome: "refused", line: outcome.line, exitCode: outcome.exitCode }
      : { ...seen, outcome: "accepted", inputs: outcome.inputs };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Waits for the step; once it reaches the tripwire it is aborted (and given a moment to let go). */
async function untilFirstCall(step: Promise<unknown>, wire: Tripwire, abort: AbortController): Promise<void> {
  let reached = false;
  let stop: () => void = () => {};
  const call = new Promise<void>((resolve) => {
    stop = () => {
      reached = true;
      resolve();
    };
  });
  wire.listeners.add(stop);
  try {
    await Promise.race([step, call]);
  } finally {
    wire.listeners.delete(stop);
  }
  if (reached) {
    abort.abort(new Error("the case reached a cloud endpoint"));
    const letGo = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
    await Promise.race([step.catch(() => undefined), letGo]);
  }
}

interface Tripwire {
  url: string;
  host: string;
  calls: number;
  listeners: Set<() => void>;
}

let started: Promise<Tripwire> | undefined;

/** One per test process, unreferenced so it never keeps the process alive: it closes every connection. */
function startedTripwire(): Promise<Tripwire> {
  started ??= new Promise((resolve, reject) => {
    const wire: Tripwire = { url: "", host: "", calls: 0, listeners: new Set() };
    const server = createServer((socket) => {
      wire.calls += 1;
      socket.destroy();
      for (const listener of wire.listeners) listener();
    });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      wire.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      wire.url = `https://${wire.host}`;
      resolve(wire);
    });
  });
  return started;
}

const metadata = new Map<string, Promise<ActionMetadata>>();

/** The action.yml the runner harness reads ("pipeline" is the root action.yml). */
function metadataOf(action: string): Promise<ActionMetadata> {
  let loading = metadata.get(action);
  if (!loading) {
    loading = loadActionMetadata(action === "pipeline" ? ".." : action);
    metadata.set(action, loading);
  }
  return loading;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true }).catch(() => []);
  return entries.map(String).sort();
}

function withoutUnset(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
