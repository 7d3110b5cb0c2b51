// What a workflow sees after one step: its outputs, what it exported for later steps, the
// annotations and masks it registered, and every file it left in HOME, RUNNER_TEMP or the
// workspace.
import type { FileCommandResults } from "./file-commands.ts";
import type { EntryProcessResult } from "./node-entry-process.ts";
import type { WrittenFile } from "./tree-snapshot.ts";
import { type Annotation, collectWorkflowCommands, emptyWorkflowCommands } from "./workflow-commands.ts";

export type StepPhase = "main" | "post";

export interface StepResult {
  action: string;
  phase: StepPhase;
  /** failure when the entry exited non-zero, was killed, timed out, or wrote unparseable file commands. */
  outcome: "success" | "failure";
  /** null when the process was ended by a signal (see `signal`, `timedOut`). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Raw streams, before any masking: a secret found here was printed. */
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  addedPath: string[];
  state: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  debug: string[];
  groups: string[];
  masks: string[];
  /** Files created or changed under home/, runner-temp/ and workspace/ (paths relative to the job root). */
  writtenFiles: WrittenFile[];
  /** Paths under those folders that existed before the step and are gone after it. */
  removedFiles: string[];
  /** The environment the entry was started with. */
  env: Record<string, string>;
}

export interface StepEvidence {
  action: string;
  phase: StepPhase;
  process: EntryProcessResult;
  fileCommands: FileCommandResults;
  writtenFiles: WrittenFile[];
  removedFiles: string[];
  env: Record<string, string>;
}

export function assembleStepResult(evidence: StepEvidence): StepResult {
  const { process: run, fileCommands } = evidence;
  const commands = emptyWorkflowCommands();
  collectWorkflowCommands(run.stdout, commands);
  collectWorkflowCommands(run.stderr, commands);
  const annotations = [
    ...commands.annotations,
    ...fileCommands.failures.map((message) => errorAnnotation(`Unable to process file command: ${message}`)),
    ...fileCommands.errors.map(errorAnnotation),
  ];
  if (run.timedOut) annotations.push(errorAnnotation("The action has timed out."));
  const failed = run.exitCode !== 0 || run.timedOut || fileCommands.failures.length > 0;
  return {
    action: evidence.action,
    phase: evidence.phase,
    outcome: failed ? "failure" : "success",
    exitCode: run.exitCode,
    signal: run.signal,
    timedOut: run.timedOut,
    stdout: run.stdout,
    stderr: run.stderr,
    // File commands are processed after the step ends, so they win over the deprecated commands.
    outputs: { ...commands.outputs, ...fileCommands.outputs },
    exportedEnv: fileCommands.exportedEnv,
    addedPath: fileCommands.addedPath,
    state: { ...commands.state, ...fileCommands.state },
    summary: fileCommands.summary,
    annotations,
    debug: commands.debug,
    groups: commands.groups,
    masks: commands.masks,
    writtenFiles: evidence.writtenFiles,
    removedFiles: evidence.removedFiles,
    env: evidence.env,
  };
}

function errorAnnotation(message: string): Annotation {
  return { level: "error", message, properties: {} };
}

/** One line per annotation, for assertion messages: `error: message {file=a.ts, line=3}`. */
export function describeAnnotations(result: Pick<StepResult, "annotations">): string {
  return result.annotations
    .map(({ level, message, properties }) => {
      const props = Object.entries(properties).map(([key, value]) => `${key}=${value}`);
      return `${level}: ${message}${props.length > 0 ? ` {${props.join(", ")}}` : ""}`;
    })
    .join("\n");
}
