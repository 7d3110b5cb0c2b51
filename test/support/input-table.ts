// Input-validation tables in process: the line a user reads for a set of inputs, from the real functions
// in the order the adapters call them, without a child process. An action (runMain, src/github/run.ts):
// the text checks of every INPUT_*, the reader, the declared secrets masked, deadline-minutes, the parser
// with the host the step's environment gives (actionInputHost), then the action's main until its first
// call to a cloud (./input-mains.ts). The CLI (src/cli/main.ts): the flag and FNGATE_* reader, the masks, --deadline-minutes,
// then the same. Every cloud endpoint points at a tripwire, a local port that counts connections: a case
// that reaches it is accepted (every check that needs no call passed); a refusal must not touch it.
// refusalTable makes one test per row of a table. The runner harness (test/runner) keeps what only a real
// process shows: exit code, one ::error:: line, no stack trace, masks in the log, files left behind, the
// post step.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdir, readdir, rm } from "node:fs/promises";
import { type AddressInfo, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { actionMetadata } from "../../src/cli/action-metadata.ts";
import { cliInputHost } from "../../src/cli/cli-host.ts";
import { cliInputs } from "../../src/cli/cli-inputs.ts";
import { COMMANDS } from "../../src/cli/commands/index.ts";
import { UsageError } from "../../src/cli/usage-error.ts";
import { DEADLINE_INPUT, parseDeadlineMinutes } from "../../src/deadline.ts";
import { isUserError } from "../../src/errors.ts";
import { actionInputHost, actionToolSources } from "../../src/github/action-host.ts";
import { actionInputReader, checkActionInputs } from "../../src/github/action-reader.ts";
import { proxySettings } from "../../src/http/proxy-settings.ts";
import { endpointOverrides } from "../../src/inputs/endpoint-overrides.ts";
import type { InputHost } from "../../src/inputs/input-host.ts";
import { type InputReader, readEveryInput } from "../../src/inputs/reader.ts";
import { maskDeclaredSecrets } from "../../src/inputs/secret-inputs.ts";
import { secretPieces } from "../../src/secret-pieces.ts";
import type { StepContext } from "../../src/step-context.ts";
import { type ActionMetadata, applyMasks, loadActionMetadata } from "../runner/index.ts";
import { resolveInputEnv } from "../runner/step-env.ts";
import { MAINS, type MainRun } from "./input-mains.ts";

export interface InputCase {
  /** What the user gives: a workflow's `with:` (action.yml defaults fill the rest), or the CLI's flags. */
  inputs?: Record<string, string | undefined>;
  /**
   * The environment: the job's env and what earlier steps exported, FNGATE_<NAME>, secret files, the OCI
   * CLI fallbacks. Every FNGATE_*_ENDPOINT points at the tripwire unless set here (undefined: the cloud's).
   */
  env?: Record<string, string | undefined>;
  /** GITHUB_WORKSPACE (the CLI's working folder): a fresh empty folder unless given. */
  workspace?: string;
}

export type Verdict = {
  /** Connections made to a cloud endpoint (the tripwire). */
  calls: number;
  /** Files written under HOME and RUNNER_TEMP, relative to them. */
  written: string[];
  /** What was registered to be hidden in the log. */
  masks: string[];
} & ({ outcome: "refused"; line: string; exitCode: 1 | 2 } | { outcome: "accepted"; inputs: unknown });

/** What the runner would show for `action` with these inputs: the ::error:: line, or the parsed inputs. */
export function actionVerdict(action: string, given: InputCase = {}): Promise<Verdict> {
  return inWorld(given, async (world) => {
    const inputEnv = resolveInputEnv(await metadataOf(action), withoutUnset(given.inputs ?? {}));
    const env = { ...world.env, ...inputEnv };
    const mask = (value: string) => world.masks.push(...secretPieces(value, { acrossLines: false }));
    const outcome = await refusedOr(async () => {
      checkActionInputs(action, env);
      const read = actionInputReader(env, mask);
      maskDeclaredSecrets(action, read);
      parseDeadlineMinutes(read.optional(DEADLINE_INPUT));
      const tools = { ...actionToolSources(env), homeDir: world.home };
      return world.runMain(action, { read, host: actionInputHost(env), tools }, mask);
    });
    if ("inputs" in outcome) return outcome;
    return { line: applyMasks(outcome.error.message, world.masks), exitCode: 1 };
  });
}

/** The ::error:: line `action` refuses these inputs with, having made no call and written nothing. */
export async function actionRefusal(action: string, given: InputCase = {}): Promise<string> {
  return refusalLine(await actionVerdict(action, given));
}

/** What `fngate <command>` prints for `action` with these inputs as flags: the error line, or the inputs. */
export function cliVerdict(action: string, given: InputCase = {}): Promise<Verdict> {
  return inWorld(given, async ({ env, home, masks, runMain }) => {
    const command = COMMANDS.find((c) => c.action === action);
    const flags = new Map(Object.entries(withoutUnset(given.inputs ?? {})));
    const extra = ["deadline-minutes", ...(command?.flags ?? []).map((flag) => flag.name)];
    const add = (value: string) => masks.push(...secretPieces(value, { acrossLines: true }));
    const redactor = { add, redact: (text: string) => applyMasks(text, masks) };
    const outcome = await refusedOr(async () => {
      const read = cliInputs(actionMetadata(action), flags, env, redactor, extra, action);
      maskDeclaredSecrets(action, read);
      parseDeadlineMinutes(
        flags.get("deadline-minutes") ?? env.FNGATE_DEADLINE_MINUTES,
        "--deadline-minutes",
      );
      const host = cliInputHost(env, home, { register: add });
      return runMain(action, { read, host, tools: { env, homeDir: home, idToken: host.idToken } }, add);
    });
    if ("inputs" in outcome) return outcome;
    const usage = outcome.error instanceof UsageError;
    const hint = usage ? ` (fngate ${command?.name ?? action} --help)` : "";
    return { line: redactor.redact(`${outcome.error.message}${hint}`), exitCode: usage ? 2 : 1 };
  });
}

/** The error line `fngate <command>` refuses these inputs with, having made no call and written nothing. */
export async function cliRefusal(action: string, given: InputCase = {}): Promise<string> {
  return refusalLine(await cliVerdict(action, given));
}

/** A row of a refusal table: the inputs changed from its base (undefined removes one), the line, more env. */
export type RefusalRow = [
  changes: Record<string, string | undefined>,
  line: string | RegExp,
  env?: Record<string, string | undefined>,
];

/**
 * One test per row: `action`, given the base inputs (and env, workspace) with the row's changes, is
 * refused in process with exactly `line` (a string) or a line matching it (a pattern), having made no call
 * and written nothing. `record` counts each row for a figure, whether it held.
 */
export function refusalTable(
  action: string,
  base: () => InputCase | Promise<InputCase>,
  rows: Record<string, RefusalRow>,
  record: (held: boolean) => void = () => {},
): void {
  for (const [name, [changes, line, env]] of Object.entries(rows)) {
    it(name, async () => {
      const given = await base();
      const inputs = { ...given.inputs, ...changes };
      const refusal = actionRefusal(action, { ...given, inputs, env: { ...given.env, ...env } });
      const shown = await refusal.catch((error: unknown) => String(error));
      record(typeof line === "string" ? shown === line : line.test(shown));
      if (typeof line === "string") assert.equal(shown, line);
      else assert.match(shown, line);
    });
  }
}

/** What `parse` makes of `given` as the action adapter reads them (INPUT_*, no action.yml defaults). */
export function parsedBy<T>(
  parse: (read: InputReader, host: InputHost) => T,
  given: Record<string, string>,
): T {
  const env = Object.fromEntries(Object.entries(given).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  return readEveryInput(
    actionInputReader(env, () => {}),
    (all) => parse(all, actionInputHost(env)),
  );
}

function refusalLine(verdict: Verdict): string {
  assert.ok(verdict.outcome === "refused", `refused, but every check passed (${verdict.calls} call(s))`);
  assert.doesNotMatch(verdict.line, /[\r\n]/, "one line");
  assert.equal(verdict.calls, 0, `no call before the refusal: ${verdict.line}`);
  assert.deepEqual(verdict.written, [], `nothing written before the refusal: ${verdict.line}`);
  return verdict.line;
}

async function refusedOr(run: () => Promise<unknown>): Promise<{ inputs: unknown } | { error: Error }> {
  try {
    return { inputs: await run() };
  } catch (error) {
    // Anything but the user's error is a bug: the test shows it whole.
    if (isUserError(error) || error instanceof UsageError) return { error };
    throw error;
  }
}

/** Runs `action`'s main with what its adapter read; `mask` is the adapter's (the step context's too). */
type RunMain = (
  action: string,
  run: Pick<MainRun, "read" | "host" | "tools">,
  mask: Mask,
) => Promise<unknown>;
type Mask = (value: string) => void;

interface World {
  env: Record<string, string>;
  home: string;
  masks: string[];
  runMain: RunMain;
}

/**
 * HOME, RUNNER_TEMP and the workspace in a fresh folder, made when a main runs (a text check refuses
 * without one) and removed afterwards; every cloud endpoint at the tripwire.
 */
async function inWorld(
  given: InputCase,
  decide: (world: World) => Promise<{ line: string; exitCode: 1 | 2 } | { inputs: unknown }>,
): Promise<Verdict> {
  const wire = await tripwire();
  const root = join(tmpdir(), `fngate-input-table-${randomUUID()}`);
  const [home, temp] = [join(root, "home"), join(root, "runner-temp")];
  const workspace = given.workspace ?? join(root, "workspace");
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
  const masks: string[] = [];
  let made = false;
  const runMain: RunMain = async (action, run, mask) => {
    const main = MAINS[action];
    assert.ok(main, `test/support/input-table.ts has no main for ${action} yet`);
    made = true;
    for (const folder of [home, temp, workspace]) await mkdir(folder, { recursive: true, mode: 0o700 });
    let ctx: StepContext | undefined;
    // Built on first use, after the parser, as runMain builds it (endpoint checks come after the inputs').
    const stepContext = (): StepContext =>
      (ctx ??= {
        logger: { info: () => {}, warning: () => {}, debug: () => {}, group: (_name, work) => work() },
        secrets: { register: mask },
        endpoints: endpointOverrides(env),
        proxy: proxySettings(env),
        homeDir: home,
        tempDir: temp,
        workspaceDir: workspace,
        now: () => new Date(),
        signal: abort.signal,
      });
    return main({ ...run, ctx: stepContext, untilFirstCall: (step) => untilFirstCall(step, wire, abort) });
  };
  try {
    const decision = await decide({ env, home, masks, runMain });
    const written = made ? [...(await filesUnder(home)), ...(await filesUnder(temp))] : [];
    const seen = { calls: wire.calls - callsBefore, written, masks };
    return "line" in decision
      ? { ...seen, outcome: "refused", ...decision }
      : { ...seen, outcome: "accepted", ...decision };
  } finally {
    if (made) await rm(root, { recursive: true, force: true });
  }
}

/**
 * Waits for the step; once it reaches the tripwire it is aborted, and waited for until it lets go, so no
 * retry of an accepted case reaches the tripwire while a later case runs (cases run one at a time).
 */
async function untilFirstCall(step: Promise<unknown>, wire: Tripwire, abort: AbortController): Promise<void> {
  const waiting = new AbortController();
  const reachedCall = once(wire.server, "connection", { signal: waiting.signal });
  const call = reachedCall.then(() => true).catch(() => false);
  const reached = await Promise.race([step.then(() => false), call]).finally(() => waiting.abort());
  if (!reached) return;
  abort.abort(new Error("the case reached a cloud endpoint"));
  await step.catch(() => undefined);
}

type Tripwire = { server: Server; url: string; host: string; calls: number };

let started: Promise<Tripwire> | undefined;

/**
 * The local port every cloud endpoint points at (`host` for an input naming a host, such as authority-host):
 * one per test process, closing every connection, unreferenced so it never keeps the process alive.
 */
export function tripwire(): Promise<Tripwire> {
  started ??= (async () => {
    const server = createServer((socket) => {
      wire.calls += 1;
      socket.destroy();
    });
    await once(server.listen(0, "127.0.0.1"), "listening");
    server.unref();
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const wire: Tripwire = { server, host, url: `https://${host}`, calls: 0 };
    return wire;
  })();
  return started;
}

const metadata = new Map<string, Promise<ActionMetadata>>();

/** The action.yml the runner harness reads ("pipeline" is the root action.yml). */
function metadataOf(action: string): Promise<ActionMetadata> {
  if (!metadata.has(action)) metadata.set(action, loadActionMetadata(action === "pipeline" ? ".." : action));
  return metadata.get(action) as Promise<ActionMetadata>;
}

async function filesUnder(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true }).catch(() => [])).map(String).sort();
}

function withoutUnset(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
