// One workflow job on a fresh, private filesystem: steps run one after another, each seeing
// what earlier steps exported (GITHUB_ENV, GITHUB_PATH), and post entries run at the end in
// reverse order, as the runner does.
import { access, cp, mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { type ActionMetadata, defaultActionsDir, loadActionMetadata } from "./action-metadata.ts";
import { createFileCommandFiles, readFileCommands } from "./file-commands.ts";
import { killProcessGroup, runEntryProcess } from "./node-entry-process.ts";
import { evaluatePostIf } from "./post-condition.ts";
import {
  appendPathEntries,
  buildStepEnv,
  type EnvOverrides,
  type InputValue,
  resolveInputEnv,
} from "./step-env.ts";
import { assembleStepResult, type StepPhase, type StepResult } from "./step-result.ts";
import { diffSnapshots, snapshotTrees, type TreeSnapshot, type WrittenFile } from "./tree-snapshot.ts";
import { withoutMaskCommands } from "./workflow-commands.ts";

const defaultTimeoutMs = 120_000;

export interface JobOptions {
  /** Job-level env (a workflow's `env:`); every step sees it. */
  env?: EnvOverrides | undefined;
  /** Folder holding `<name>/action.yml`; defaults to the repository's actions/. */
  actionsDir?: string | undefined;
  /** Sets RUNNER_DEBUG=1 for every step (re-run with debug logging). */
  debug?: boolean;
  /**
   * A folder whose contents are copied into the workspace when the job is created, as actions/checkout
   * puts the repository there: path inputs must point inside the workspace.
   */
  checkout?: string | undefined;
}

export interface RunOptions {
  /** The step's `with:`; names must be declared in action.yml. */
  inputs?: Record<string, InputValue>;
  /** The step's `env:`. */
  env?: EnvOverrides;
  timeoutMs?: number;
  debug?: boolean;
  /** The runner reads the step's output slowly: after each chunk it reads nothing for this long. */
  readerPauseMs?: number;
  /** The signal that ends the step at timeoutMs (default SIGTERM, as the runner's cancel does). */
  timeoutSignal?: NodeJS.Signals;
  /** Cancels the step (timeoutSignal) as soon as this settles: a cancel at a chosen moment, not a guessed time. */
  cancelWhen?: Promise<unknown>;
}

export interface RunPostsOptions {
  timeoutMs?: number;
  /** Evaluate post-if as if the workflow run had been cancelled. */
  cancelled?: boolean;
}

export interface SkippedPost {
  action: string;
  postIf: string;
}

interface RegisteredPost {
  action: ActionMetadata;
  entry: string;
  inputEnv: Record<string, string>;
  stepEnv: EnvOverrides;
  state: Record<string, string>;
  debug: boolean;
  timeoutMs: number;
  readerPauseMs: number | undefined;
  timeoutSignal: NodeJS.Signals | undefined;
}

type EntryRun = RegisteredPost & { phase: StepPhase; cancelWhen?: Promise<unknown> | undefined };

export class Job {
  readonly root: string;
  readonly home: string;
  readonly runnerTemp: string;
  readonly workspace: string;
  /** Outside runner-temp, so snapshots of HOME and RUNNER_TEMP show only what actions wrote. */
  readonly fileCommandsDir: string;
  readonly actionsDir: string;
  /** Every step result, in the order the steps ran. */
  readonly steps: StepResult[] = [];
  readonly skippedPosts: SkippedPost[] = [];

  #jobEnv: EnvOverrides;
  #debug: boolean;
  #exportedEnv: Record<string, string> = {};
  #addedPath: string[] = [];
  #masks: string[] = [];
  #posts: RegisteredPost[] = [];
  #actions = new Map<string, Promise<ActionMetadata>>();
  #stepFiles: WrittenFile[] = [];
  /** Process groups still alive after their step; the runner kills such orphans when the job ends. */
  #leftoverGroups = new Set<number>();
  #busy = false;

  private constructor(root: string, options: JobOptions) {
    this.root = root;
    this.home = join(root, "home");
    this.runnerTemp = join(root, "runner-temp");
    this.workspace = join(root, "workspace");
    this.fileCommandsDir = join(root, "file-commands");
    this.actionsDir = resolve(options.actionsDir ?? defaultActionsDir);
    this.#jobEnv = { ...options.env };
    this.#debug = options.debug ?? false;
  }

  static async create(options: JobOptions = {}): Promise<Job> {
    const root = await realpath(await mkdtemp(join(tmpdir(), "fngate-job-")));
    const job = new Job(root, options);
    for (const dir of [job.home, job.runnerTemp, job.workspace, job.fileCommandsDir]) await mkdir(dir);
    if (options.checkout !== undefined) {
      await cp(options.checkout, job.workspace, { recursive: true, verbatimSymlinks: true });
    }
    return job;
  }

  /** Values exported so far with GITHUB_ENV. */
  get exportedEnv(): Record<string, string> {
    return { ...this.#exportedEnv };
  }

  /** GITHUB_PATH entries so far, in the order they were added (PATH has them reversed). */
  get addedPath(): string[] {
    return [...this.#addedPath];
  }

  /** Every value registered with ::add-mask:: by any step. */
  get masks(): string[] {
    return [...this.#masks];
  }

  /** The job has failed once any step (main or post) has failed. */
  get failed(): boolean {
    return this.steps.some((step) => step.outcome === "failure");
  }

  action(name: string): Promise<ActionMetadata> {
    let loading = this.#actions.get(name);
    if (loading === undefined) {
      loading = loadActionMetadata(name, this.actionsDir);
      this.#actions.set(name, loading);
    }
    return loading;
  }

  /** Runs the action's main entry; its post entry (if any) is registered before it starts, as in the runner. */
  run(name: string, options: RunOptions = {}): Promise<StepResult> {
    return this.#exclusive(() => this.#runMain(name, options));
  }

  /** Runs the registered post entries, last registered first, each only if its post-if holds. */
  runPosts(options: RunPostsOptions = {}): Promise<StepResult[]> {
    return this.#exclusive(() => this.#runPosts(options));
  }

  async #runMain(name: string, options: RunOptions): Promise<StepResult> {
    const action = await this.action(name);
    if (!action.runs.using.startsWith("node") || action.runs.main === undefined) {
      throw new Error(
        `Action '${name}' uses '${action.runs.using}'; the runner harness runs only node actions`,
      );
    }
    if (action.runs.pre !== undefined) {
      throw new Error(`Action '${name}' declares a pre entry, which the runner harness does not run`);
    }
    const inputEnv = resolveInputEnv(action, options.inputs);
    const main = await entryPath(action, action.runs.main);
    const post = action.runs.post === undefined ? undefined : await entryPath(action, action.runs.post);
    const common = {
      action,
      inputEnv,
      stepEnv: { ...options.env },
      debug: options.debug ?? this.#debug,
      timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
      readerPauseMs: options.readerPauseMs,
      timeoutSignal: options.timeoutSignal,
    };
    const registered: RegisteredPost | undefined =
      post === undefined ? undefined : { ...common, entry: post, state: {} };
    if (registered !== undefined) this.#posts.push(registered);
    const cancelWhen = options.cancelWhen;
    const result = await this.#runEntry({ ...common, phase: "main", entry: main, state: {}, cancelWhen });
    if (registered !== undefined) registered.state = result.state;
    return result;
  }

  async #runPosts(options: RunPostsOptions): Promise<StepResult[]> {
    const posts = [...this.#posts].reverse();
    this.#posts = [];
    const results: StepResult[] = [];
    for (const post of posts) {
      const postIf = post.action.runs.postIf;
      if (!evaluatePostIf(postIf, { failed: this.failed, cancelled: options.cancelled ?? false })) {
        this.skippedPosts.push({ action: post.action.id, postIf });
        continue;
      }
      const timeoutMs = options.timeoutMs ?? post.timeoutMs;
      results.push(await this.#runEntry({ ...post, phase: "post", timeoutMs }));
    }
    return results;
  }

  /** Every file, directory and link under HOME and RUNNER_TEMP, for before/after comparison. */
  snapshot(): Promise<TreeSnapshot> {
    return snapshotTrees(this.root, [this.home, this.runnerTemp]);
  }

  /**
   * Everything the steps made visible, as one string for secret scanning:
   * - their stdout and stderr as the log would show it before masking (raw, so a printed secret
   *   is caught even though the runner would hide it), minus the ::add-mask:: commands, which the
   *   runner consumes and never shows;
   * - their outputs, exports, PATH entries, state and summaries;
   * - every file now under the job root (home, runner-temp, workspace, the file-command files);
   * - files a step wrote and a later step removed, unless private to the owner (no group or
   *   other access): a world-readable secret was exposed even if it was cleaned up later, while
   *   a 0600 file is where a secret is allowed to live until the post step.
   */
  async allWrittenText(): Promise<string> {
    const parts: string[] = [];
    for (const step of this.steps) {
      parts.push(withoutMaskCommands(step.stdout), withoutMaskCommands(step.stderr), step.summary);
      for (const record of [step.outputs, step.exportedEnv, step.state]) {
        for (const [name, value] of Object.entries(record)) parts.push(`${name}=${value}`);
      }
      parts.push(...step.addedPath);
    }
    const now = await snapshotTrees(this.root, [this.root]);
    for (const entry of now.values()) {
      if (entry.kind === "file" && entry.content !== undefined) parts.push(entry.content.toString("utf8"));
      if (entry.kind === "symlink") parts.push(entry.target);
    }
    for (const file of this.#stepFiles) {
      if ((file.mode & 0o077) !== 0) parts.push(file.content.toString("utf8"));
    }
    return parts.join("\n");
  }

  async dispose(): Promise<void> {
    for (const group of this.#leftoverGroups) killProcessGroup(group);
    this.#leftoverGroups.clear();
    await rm(this.root, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#busy)
      throw new Error("A job runs one step at a time; await the previous run() or runPosts() first");
    this.#busy = true;
    try {
      return await work();
    } finally {
      this.#busy = false;
    }
  }

  async #runEntry(run: EntryRun): Promise<StepResult> {
    const files = await createFileCommandFiles(this.fileCommandsDir);
    const env = buildStepEnv({
      basePath: process.env.PATH ?? "",
      home: this.home,
      runnerTemp: this.runnerTemp,
      workspace: this.workspace,
      jobEnv: this.#jobEnv,
      exportedEnv: this.#exportedEnv,
      addedPath: this.#addedPath,
      stepEnv: run.stepEnv,
      inputEnv: run.inputEnv,
      state: run.phase === "post" ? run.state : {},
      files,
      debug: run.debug,
    });
    const watched = [this.home, this.runnerTemp, this.workspace];
    const before = await snapshotTrees(this.root, watched);
    const entryResult = await runEntryProcess({
      entry: run.entry,
      env,
      cwd: this.workspace,
      timeoutMs: run.timeoutMs,
      readerPauseMs: run.readerPauseMs,
      timeoutSignal: run.timeoutSignal,
      cancelWhen: run.cancelWhen,
    });
    if (entryResult.leftoverProcessGroup !== undefined)
      this.#leftoverGroups.add(entryResult.leftoverProcessGroup);
    const changes = diffSnapshots(before, await snapshotTrees(this.root, watched));
    const result = assembleStepResult({
      action: run.action.id,
      phase: run.phase,
      process: entryResult,
      fileCommands: await readFileCommands(files),
      writtenFiles: changes.written,
      removedFiles: changes.removed,
      env,
    });
    // The runner applies a step's exports even when the step failed.
    Object.assign(this.#exportedEnv, result.exportedEnv);
    this.#addedPath = appendPathEntries(this.#addedPath, result.addedPath);
    this.#masks.push(...result.masks.filter((mask) => !this.#masks.includes(mask)));
    this.#stepFiles.push(...result.writtenFiles);
    this.steps.push(result);
    return result;
  }
}

async function entryPath(action: ActionMetadata, declared: string): Promise<string> {
  const path = resolve(action.dir, declared);
  try {
    await access(path);
  } catch {
    const shown = relative(process.cwd(), path) || path;
    throw new Error(`Action '${action.id}' points at ${shown}, which does not exist (run \`npm run build\`)`);
  }
  return path;
}
