import type { StepContext } from "../step-context.ts";
import {
  checkEntraTokenInputs,
  type EntraTokenInputs,
  type EntraTokenResult,
  type EntraTokenTools,
  entraToken,
} from "./entra-token.ts";
import { type FcDeployInputs, type FcDeployResult, fcDeploy } from "./fc-deploy.ts";
import { fcDeployOutputs, rolloutOutputs } from "./outputs/fc-deploy.ts";
import { smokeTestOutputs } from "./outputs/smoke-test.ts";
import { sideBySide } from "./side-by-side.ts";
import type { SmokeTestSettings } from "./smoke-stage.ts";
import { failureSummary, runSmokeTest, type SmokeTestResult } from "./smoke-test.ts";
import { type StageRunner, type StageWait, timedStageRunner } from "./timed-stage-runner.ts";
import { untilAborted } from "./until-aborted.ts";

/** What the user gives the Function Compute pipeline (src/inputs/fc-pipeline.ts reads it). */
export interface FcPipelineInputs {
  /** fc-deploy's inputs, always with an HTTP trigger: its URL is what the smoke test calls. */
  deploy: FcDeployInputs & { httpTrigger: NonNullable<FcDeployInputs["httpTrigger"]> };
  /** The Entra app the smoke test gets its access token from. */
  entra: EntraTokenInputs;
  /** smoke-test's inputs but the URL and the tokens, which the deploy and the token stages hand over. */
  smoke: SmokeTestSettings;
  /**
   * Another resource's scope (Azure Resource Manager's by default): the same client's token for it is signed
   * by the same Entra keys, so only a function that checks aud refuses it, which the smoke test proves.
   */
  refusedScope: string;
}

/** What each adapter supplies: how a stage is shown, the token's tools, and where outputs go. */
export interface FcPipelineHost {
  stage: StageRunner;
  entra: EntraTokenTools;
  /** Each output as soon as it is known, so a run that fails later still reports what it did. */
  output(name: string, value: string): void;
}

export interface FcPipelineResult {
  deployed?: FcDeployResult;
  token?: Omit<EntraTokenResult, "accessToken">;
  smoke?: SmokeTestResult;
  /** Set when the run ended with a failed verdict (a smoke check failed). */
  failure?: string;
  timings: StageWait[];
}

/**
 * fc-deploy (with its HTTP trigger), entra-token and smoke-test in one run, each the same code as its
 * own action and command. The token needs nothing from the deploy, so the two run side by side from
 * the start; the smoke test calls the trigger's URL with the token once both are done. A failure in one
 * branch stops the other.
 */
export async function runFcPipeline(
  inputs: FcPipelineInputs,
  ctx: StepContext,
  host: FcPipelineHost,
): Promise<FcPipelineResult> {
  // fc-deploy checks its own before its first call; the token's are checked before either starts.
  checkEntraTokenInputs(inputs.entra);
  const run: FcPipelineResult = { timings: [] };
  const stage = timedStageRunner(host.stage, run.timings);
  let accessToken = "";
  let refusedToken = "";
  await sideBySide(ctx.signal, [
    async (signal) => {
      const deployed = await stage(
        "fc-deploy",
        { ...ctx, signal },
        // A new version is proven by the smoke test before the alias moves: the promotion waits for it.
        (stageCtx) => fcDeploy(inputs.deploy, stageCtx, { deferPromotion: true }),
        {
          alongside: true,
        },
      );
      run.deployed = deployed;
      // The rollout's outputs wait for its verdict.
      const { rollout: _rollout, ...shown } = deployed;
      for (const [name, value] of Object.entries(fcDeployOutputs(shown))) host.output(name, value);
    },
    async (signal) => {
      const token = await stage(
        "entra-token",
        { ...ctx, signal },
        (stageCtx) => untilAborted(entraToken(inputs.entra, stageCtx, host.entra), stageCtx.signal),
        { alongside: true },
      );
      const { accessToken: value, ...shown } = token;
      accessToken = value;
      run.token = shown;
      // Same client, same keys, another audience: what any other app's token looks like to the trigger.
      const other = await stage(
        "refused-token",
        { ...ctx, signal },
        (stageCtx) =>
          untilAborted(
            entraToken({ ...inputs.entra, scope: inputs.refusedScope, expected: {} }, stageCtx, host.entra),
            stageCtx.signal,
          ),
        { alongside: true },
      );
      refusedToken = other.accessToken;
    },
  ]);
  const pending = run.deployed?.pending;
  // The candidate trigger runs the new version; the public one still runs what the alias serves.
  const url = pending?.candidateUrl ?? run.deployed?.url;
  if (!url) throw new Error("fc-deploy returned no trigger URL");
  const { jwksUrl } = inputs.deploy.httpTrigger;
  const smoke = await stage(
    "smoke-test",
    ctx,
    (stageCtx) =>
      runSmokeTest(
        {
          ...inputs.smoke,
          url,
          token: accessToken,
          platform: "fc",
          refusedToken,
          negativeChecks: [
            ...inputs.smoke.negativeChecks.filter((c) => c !== "refused-token"),
            "refused-token",
          ],
          ...(jwksUrl ? { jwksUri: jwksUrl } : {}),
        },
        stageCtx,
      ),
    { alongside: false },
  );
  explainAdmittedToken(smoke, inputs.refusedScope);
  run.smoke = smoke;
  for (const [name, value] of Object.entries(smokeTestOutputs(smoke))) host.output(name, value);
  const deployed = run.deployed;
  const outcome = deployed?.rollout;
  if (deployed && outcome && pending && smoke.passed) {
    const kept = await stage("promote", ctx, (stageCtx) => pending.promote(stageCtx), { alongside: false });
    outcome.promoted = true;
    deployed.url = kept.url;
    deployed.triggerChanges = kept.triggerChanges;
    host.output("url", kept.url);
  } else if (outcome && pending) {
    outcome.rolledBack = true;
    await pending.retire(ctx);
    const served = outcome.previousVersion ? `version ${outcome.previousVersion}` : "nothing yet";
    ctx.logger.info(
      `Version ${outcome.version} failed the smoke test: alias ${inputs.deploy.rollout?.alias ?? ""} still serves ${served}; nothing was promoted.`,
    );
  }
  if (outcome) for (const [name, value] of Object.entries(rolloutOutputs(outcome))) host.output(name, value);
  if (smoke.passed) return run;
  const kept = outcome?.rolledBack ? ` Version ${outcome.version} was not promoted.` : "";
  return { ...run, failure: `${failureSummary(smoke)}${kept}` };
}

/**
 * A trigger with Entra's keys lets the other audience's token through; only the function can refuse it.
 * When it did not, the check says why and what to do.
 */
function explainAdmittedToken(smoke: SmokeTestResult, refusedScope: string): void {
  const admitted = smoke.results.find((result) => result.check === "refused-token" && !result.passed);
  if (admitted)
    admitted.cause = `the function served a token issued for ${refusedScope.replace(/\/\.default$/, "")}: Function Compute checks only the token's signature and expiry, so the function must refuse a token whose forwarded aud or tid is not its own`;
}
