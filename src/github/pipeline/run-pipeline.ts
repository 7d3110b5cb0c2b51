import * as core from "@actions/core";
import type { PipelineInputs } from "../../steps/pipeline.ts";
import { dockerTools, entraTools, fnDeployTools } from "../../tools/step-tools.ts";
import { exportedTokenLogin } from "../action-host.ts";
import { pipelineOutcome } from "../deployments/outcome.ts";
import type { DeploymentRecordSettings } from "../deployments/record.ts";
import { recordedRun } from "../deployments/recorded-run.ts";
import { exportFnContext } from "../export-profile.ts";
import { writePreflightSummary } from "../preflight/summary.ts";
import type { ActionRun } from "../run.ts";
import { stageGroups } from "./stage-groups.ts";
import { fnContextPlan, ocirCleanup } from "./state.ts";
import { writePipelineSummary } from "./summary.ts";

/**
 * The root action's run once its inputs are read: each stage in its own log group, its outputs set as
 * soon as it is done, and what fn-context and ocir-login change recorded for the post step, which
 * undoes it whatever happened.
 */
export async function runPipelineAction(
  inputs: PipelineInputs,
  recordSettings: DeploymentRecordSettings | undefined,
  { tools, env, ctx, deadline }: ActionRun,
): Promise<void> {
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { pipelineFailure, runPipeline } = await import("../../steps/pipeline.ts");
  // With github-token, recorded as a GitHub deployment (in_progress now, its outcome at the end).
  const result = await recordedRun(
    recordSettings,
    ctx().logger,
    () =>
      runPipeline(inputs, ctx(), {
        stage: stageGroups(deadline),
        tools: {
          ocir: () => dockerTools(tools),
          fnDeploy: (ocirStage) =>
            fnDeployTools(tools, ocirStage ? ocirStage.tokenLogin : exportedTokenLogin(env)),
          entra: entraTools(tools),
        },
        output: (name, value) => core.setOutput(name, value),
        onRestorePlan: (plan) => fnContextPlan.save(plan),
        // Saved before docker login runs: a run cancelled mid-login is still logged out by the post step.
        onOcirCleanup: (cleanup) => (cleanup ? ocirCleanup.save(cleanup) : ocirCleanup.clear()),
        onFnContext: exportFnContext,
        onPreflight: (preflight) => writePreflightSummary(preflight.rows),
      }),
    pipelineOutcome,
  );
  // A blocked preflight stopped the run before any change: its own table says why.
  if (!result.preflight?.blocked) await writePipelineSummary(result);
  const failure = pipelineFailure(result);
  if (failure) throw failure;
}
