// R7 hostile inputs: the shape every case module under test/reliability/r7/ exports, and the one
// contract every case is held to. A case runs the built action (through the runner harness, main and
// post) or the built CLI, and returns what a log reader or a later step could see; the suite, not the
// case, decides whether the outcome was handled, leaked, crashed or left a file wider than 0600.
import type { RunActionResult, StepResult, TreeSnapshot } from "../../runner/index.ts";
import { diffSnapshots } from "../../runner/index.ts";
import { type CliRun, cliSandbox } from "../../support/cli-process.ts";
import { type OciFixture, startOciFixture } from "../../support/oci-fixture.ts";
import { secretsFound, shownByStep } from "../../support/secret-scan.ts";

/** A group of cases sharing one fixture: a module `<area>.cases.ts` exports one as `area`. */
export interface HostileArea {
  name: string;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  cases: HostileCase[];
}

export interface HostileCase {
  /** What the attacker or the careless user does, e.g. "fn-context: ~/.oci/config is a symlink". */
  name: string;
  run(): Promise<HostileOutcome>;
}

export interface HostileOutcome {
  /** `success`: the hostile input is harmless and the run must pass; otherwise the line a user must read. */
  expect: { success: true } | { message: RegExp };
  /** The process's exit code (null when killed by a signal or timed out). */
  exitCode: number | null;
  /** The failure lines a user reads: `::error::` annotations of an action, stderr lines of the CLI. */
  errorLines: string[];
  /** Everything a log reader or a later step sees: logs without masks, outputs, summary, state, files. */
  shown: string;
  /** Every secret the case handed in or the emulators issued; none may appear in `shown`. */
  secrets: string[];
  /** Paths fngate left behind after its post step or cleanup (should be none). */
  leftBehind: string[];
  /** Paths fngate wrote or restored with a mode wider than 0600 (should be none), e.g. "home/.oci/key 0644". */
  wideFiles: string[];
  /** A case that was cancelled on purpose says so: a non-zero exit is then not a crash. */
  cancelled?: boolean;
}

let sharedOci: Promise<OciFixture> | undefined;

/**
 * The emulator stack the areas share (each makes its own tenants, gateways and applications, and undoes
 * what it changes for a case), started by the first area that asks and closed when the suite ends.
 */
export function sharedOciFixture(): Promise<OciFixture> {
  sharedOci ??= startOciFixture();
  return sharedOci;
}

export async function closeSharedOciFixture(): Promise<void> {
  await (await sharedOci)?.close();
}

export type Verdict = "handled" | "leaked" | "crashed" | "wide" | "wrong";

/** One verdict per case; the reasons explain a failing assertion. */
export function judge(outcome: HostileOutcome): { verdict: Verdict; reasons: string[] } {
  const reasons: string[] = [];
  const leaks = secretsFound(outcome.shown, outcome.secrets);
  if (leaks.length > 0) reasons.push(`secret shown: ${leaks.length} needle(s)`);
  if (outcome.wideFiles.length > 0) reasons.push(`wider than 0600: ${outcome.wideFiles.join(", ")}`);
  if (outcome.leftBehind.length > 0) reasons.push(`left behind: ${outcome.leftBehind.join(", ")}`);
  const crashed =
    (!outcome.cancelled && (outcome.exitCode === null || outcome.exitCode > 3)) ||
    /^\s+at .+:\d+:\d+\)?$/m.test(outcome.shown) ||
    /unexpected error/i.test(outcome.errorLines.join("\n"));
  if (crashed) reasons.push(`crashed: exit ${outcome.exitCode}; ${outcome.errorLines.join(" | ")}`);
  if ("success" in outcome.expect) {
    if (outcome.exitCode !== 0) reasons.push(`expected success, got exit ${outcome.exitCode}`);
  } else if (!outcome.cancelled) {
    const message = outcome.expect.message;
    if (outcome.exitCode === 0) reasons.push("expected a refusal, got exit 0");
    if (outcome.errorLines.length !== 1) {
      reasons.push(
        `expected one error line, got ${outcome.errorLines.length}: ${outcome.errorLines.join(" | ")}`,
      );
    } else if (!message.test(outcome.errorLines[0] ?? "")) {
      reasons.push(`error line ${JSON.stringify(outcome.errorLines[0])} does not match ${message}`);
    }
  }
  const verdict: Verdict =
    leaks.length > 0
      ? "leaked"
      : crashed
        ? "crashed"
        : outcome.wideFiles.length > 0
          ? "wide"
          : reasons.length
            ? "wrong"
            : "handled";
  return { verdict, reasons };
}

/** The failure lines of an action step: its ::error:: annotations. */
export function errorLinesOf(step: StepResult): string[] {
  return step.annotations.filter((note) => note.level === "error").map((note) => note.message);
}

/**
 * What differs under HOME and RUNNER_TEMP after the job from before it (anything created, a file
 * changed in content or mode, a link changed, anything removed), and the files among those written
 * whose mode lets group or others read them.
 */
export function leftAndWide(
  before: TreeSnapshot,
  after: TreeSnapshot,
): { leftBehind: string[]; wideFiles: string[] } {
  const diff = diffSnapshots(before, after);
  const changed = new Set([...diff.written.map((file) => file.path), ...diff.removed]);
  for (const [path, entry] of after) {
    const previous = before.get(path);
    if (previous === undefined || previous.kind !== entry.kind) changed.add(path);
    else if (entry.kind === "symlink" && previous.kind === "symlink" && entry.target !== previous.target)
      changed.add(path);
  }
  const wideFiles = diff.written
    .filter((file) => (file.mode & 0o077) !== 0)
    .map((file) => `${file.path} ${file.mode.toString(8)}`);
  return { leftBehind: [...changed].sort(), wideFiles };
}

/**
 * What a log reader or a later job sees of one step (shownByStep), counting only the files it wrote
 * that others may read. A 0600 file the step hands to later steps of the same job (a key, a docker
 * login) is its deliverable, judged by `leftBehind` after post.
 */
export function seenOfStep(step: StepResult, exceptOutputs: readonly string[] = []): string {
  const writtenFiles = step.writtenFiles.filter((file) => (file.mode & 0o077) !== 0);
  return shownByStep({ ...step, writtenFiles }, exceptOutputs);
}

/** The outcome of one action run through the harness (main, then post), for the usual case. */
export function actionOutcome(
  run: RunActionResult,
  expect: HostileOutcome["expect"],
  secrets: string[],
  exceptOutputs: readonly string[] = [],
): HostileOutcome {
  const steps = [run.main, ...run.posts];
  const { leftBehind, wideFiles } = leftAndWide(run.before, run.after);
  const leftText = diffSnapshots(run.before, run.after).written.map((file) => file.content.toString("utf8"));
  return {
    expect,
    exitCode: run.main.exitCode,
    errorLines: errorLinesOf(run.main),
    shown: [...steps.map((step) => seenOfStep(step, exceptOutputs)), ...leftText].join("\n"),
    secrets,
    leftBehind,
    wideFiles,
  };
}

/**
 * One run of the built CLI in a sandbox of its own, judged on everything it printed and left in the
 * sandbox; its failure lines are its `error:` lines. "<root>" in an argument is the sandbox's folder (a
 * path for a flag such as --token-file). `secrets` may be a function: what to look for is sometimes
 * known only after the run (a token an API was sent). `inspect` asserts what a case adds about the run.
 */
export async function cliOutcome(
  args: string[],
  env: Record<string, string>,
  expect: HostileOutcome["expect"],
  secrets: string[] | (() => string[]),
  options: { env?: Record<string, string>; cwd?: string; inspect?: (run: CliRun) => void } = {},
): Promise<HostileOutcome> {
  await using sandbox = await cliSandbox(options.env, options);
  const before = await sandbox.snapshot();
  const run = await sandbox.run(
    args.map((arg) => arg.replace("<root>", sandbox.root)),
    env,
  );
  options.inspect?.(run);
  const after = await sandbox.snapshot();
  return {
    expect,
    exitCode: run.exitCode,
    errorLines: run.stderr
      .split("\n")
      .filter((line) => line.startsWith("error: "))
      .map((line) => line.slice("error: ".length)),
    shown: await sandbox.allWrittenText(),
    secrets: typeof secrets === "function" ? secrets() : secrets,
    ...leftAndWide(before, after),
  };
}
