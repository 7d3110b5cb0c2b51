// The runner harness: runs an action's bundled entries in a child process exactly as the GitHub
// Actions runner does, and returns what a workflow would see. See job.ts for the job model.
import { Job, type JobOptions, type RunOptions } from "./job.ts";
import type { StepResult } from "./step-result.ts";
import type { TreeSnapshot } from "./tree-snapshot.ts";

export {
  type ActionInput,
  type ActionMetadata,
  ActionMetadataError,
  defaultActionsDir,
  loadActionMetadata,
  repoRoot,
} from "./action-metadata.ts";
export { assertCliFailure, assertUserFailure, type ExpectedMessage } from "./failure-contract.ts";
export { parseKeyValueFile } from "./file-commands.ts";
export { Job } from "./job.ts";
export { evaluatePostIf } from "./post-condition.ts";
export type { EnvOverrides, InputValue } from "./step-env.ts";
export { describeAnnotations, type StepResult } from "./step-result.ts";
export { diffSnapshots, type TreeSnapshot } from "./tree-snapshot.ts";
export { applyMasks, parseCommandLine } from "./workflow-commands.ts";

export interface RunActionOptions extends RunOptions, Pick<JobOptions, "actionsDir" | "checkout"> {
  /** Job-level env (the workflow's `env:`). */
  jobEnv?: JobOptions["env"];
  /** Run the post entry afterwards, honouring post-if (default true, as a workflow would). */
  posts?: boolean;
  /** Earlier steps of the same job (fn-context, say), run after the `before` snapshot. */
  earlier?: (job: Job) => Promise<unknown>;
}

export interface RunActionResult {
  main: StepResult;
  posts: StepResult[];
  /** HOME and RUNNER_TEMP before the main entry and after the last step. */
  before: TreeSnapshot;
  after: TreeSnapshot;
  /** Job.allWrittenText(), taken before the job's folder was removed. */
  writtenText: string;
}

/** One action in a job of its own: main, then its post entry; the job's folder is removed afterwards. */
export async function runAction(name: string, options: RunActionOptions = {}): Promise<RunActionResult> {
  const { actionsDir, checkout, jobEnv, posts = true, earlier, ...run } = options;
  const job = await Job.create({ actionsDir, checkout, env: jobEnv });
  try {
    const before = await job.snapshot();
    await earlier?.(job);
    const main = await job.run(name, run);
    const postResults = posts ? await job.runPosts() : [];
    return {
      main,
      posts: postResults,
      before,
      after: await job.snapshot(),
      writtenText: await job.allWrittenText(),
    };
  } finally {
    await job.dispose();
  }
}
