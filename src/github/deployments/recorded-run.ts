import type { Logger } from "../../step-context.ts";
import { openDeployment } from "./left-open.ts";
import { type DeployOutcome, failedRun } from "./outcome.ts";
import type { DeploymentRecordSettings } from "./record.ts";

/**
 * Runs a deploy recorded as a GitHub deployment when `settings` opts in (github-token): in_progress
 * before `deploy` starts, then its outcome (or the error that stopped it) as the final status and the
 * pull request comment. The open deployment is saved for the post step first, so a main step killed
 * mid-run still has its deployment ended (src/github/deployments/left-open.ts). Shared by the root
 * action and cloud-run-pipeline.
 */
export async function recordedRun<R>(
  settings: DeploymentRecordSettings | undefined,
  log: Logger,
  deploy: () => Promise<R>,
  outcome: (result: R) => DeployOutcome,
): Promise<R> {
  if (!settings) return deploy();
  // Loaded only when asked for: @actions/github is the largest thing a run could load for nothing.
  const { startDeploymentRecord } = await import("./record.ts");
  const record = await startDeploymentRecord(settings, log, {
    onOpen: (open) => openDeployment.save(open),
    onClosed: () => openDeployment.clear(),
  });
  let result: R;
  try {
    result = await deploy();
  } catch (error) {
    await record.finish(failedRun(error));
    throw error;
  }
  await record.finish(outcome(result));
  return result;
}
