import type { BuilderChoice } from "../docker/attestation-flags.ts";
import { UserError } from "../errors.ts";
import type { RestorePlan } from "../fs/restore-plan.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import type { StepContext } from "../step-context.ts";
import type { EntraTokenInputs, EntraTokenResult, EntraTokenTools } from "./entra-token.ts";
import { configureFnContext, type FnContextInputs, type FnContextResult } from "./fn-context.ts";
import type { FnDeployResult, FnDeployTools } from "./fn-deploy.ts";
import type { GatewayDeployResult } from "./gateway-deploy.ts";
import type { OcirCleanup, OcirLoginInputs, OcirTools, TokenLogin } from "./ocir-login.ts";
import { checkBeforeAnyStage } from "./pipeline-checks.ts";
import { deployStages } from "./pipeline-deploy.ts";
import { type Rollout, rollBack } from "./pipeline-rollout.ts";
import type { PreflightResult } from "./preflight.ts";
import { type SmokeStage, smokeStageInputs } from "./smoke-stage.ts";
import { failureSummary, runSmokeTest, type SmokeTestResult } from "./smoke-test.ts";
import type { FnDeploySettings, GatewaySettings } from "./stage-settings.ts";
import { timedStages } from "./stage-timing.ts";

/**
 * What the user gives the pipeline, stage by stage (src/inputs/pipeline.ts reads it). A stage is
 * absent when skipped. What one stage hands the next is not here: the OCI profile fn-context writes,
 * the image prefix ocir-login names, the function fn-deploy makes, the URL, JWKS and policy
 * gateway-deploy deploys, and the token entra-token gets are passed on as the stages run.
 */
export interface PipelineInputs {
  /** Run the read-only preflight checks after fn-context, before any change (input `preflight`). */
  preflight: boolean;
  /**
   * verify-then-promote: when the smoke test fails, what this run changed is put back and re-checked
   * (see pipeline-rollout.ts); direct: the deploy stays live whatever the smoke test says.
   */
  rollout: Rollout;
  /** The OCI profile an earlier step left, for the stages that need one when fn-context is skipped. */
  existingProfile?: OciProfile;
  fnContext?: FnContextInputs;
  ocirLogin?: Omit<OcirLoginInputs, "ociProfile">;
  fnDeploy?: FnDeploySettings;
  /** functionId is set only when fn-deploy is skipped (then it is the user's function-id). */
  gateway?: GatewaySettings;
  entra?: EntraTokenInputs;
  smoke?: SmokeStage;
}

/** When a stage ran: what the summary shows, so a slow deploy says where its time went. */
export interface StageTiming {
  stage: string;
  startedAt: Date;
  endedAt: Date;
  /** Time spent waiting for what an earlier stage hands over (the gateway for the function's OCID). */
  waitedMs: number;
  /** What it waited for, as the summary names it; the function's OCID when absent. */
  waitedFor?: string;
}

/** What each adapter supplies: how a stage is shown, its tools, and where records and outputs go. */
export interface PipelineHost {
  /**
   * Runs one stage with `ctx`, in its own log group (GitHub) or after a header line (CLI). `alongside`:
   * other stages run at the same time, so the stage's lines must not mix with theirs (kept and shown
   * as one group when it ends, or each line prefixed with the stage's name).
   */
  stage<T>(
    name: string,
    work: (ctx: StepContext) => Promise<T>,
    options: { ctx: StepContext; alongside: boolean },
  ): Promise<T>;
  tools: {
    ocir(): Promise<OcirTools>;
    /**
     * Docker and the registry login renewed around the push: the ocir-login stage's when it ran in
     * this pipeline (`ocirStage`), else what the adapter knows of an earlier login.
     */
    fnDeploy(ocirStage?: { tokenLogin: TokenLogin | undefined }): Promise<FnDeployTools>;
    entra: EntraTokenTools;
  };
  /** Each output as soon as it is known, so a run that fails later still reports what it did. */
  output(name: string, value: string): void;
  /** The restore plan before fn-context writes its first file: a killed run still gets its files back. */
  onRestorePlan(plan: RestorePlan): void;
  /** What logging out takes, before docker login runs; undefined once nothing is left to undo. */
  onOcirCleanup(cleanup: OcirCleanup | undefined): void;
  /**
   * fn-deploy no longer needs the registry login (the function is pinned to its image): an adapter
   * whose login ends with the run (the CLI) may log out now, while the cloud waits run.
   */
  onRegistryDone?(): void;
  /** After fn-context: GitHub exports the profile to later workflow steps. */
  onFnContext?(result: FnContextResult): void;
  /** After preflight, blocked or not: GitHub writes its table to the job summary. */
  onPreflight?(result: PreflightResult): Promise<void>;
}

export interface PipelineResult {
  preflight?: PreflightResult;
  deployed?: FnDeployResult;
  gateway?: GatewayDeployResult;
  token?: EntraTokenResult;
  smoke?: SmokeTestResult;
  /** Whether the cloud changed (function, gateway): false on a re-run with nothing new. */
  changed: boolean;
  /** Set when a failed smoke test made the run put back what it had changed (verify-then-promote). */
  rolledBack?: boolean;
  /** Set when the run ended with a failed verdict (preflight blocked, a smoke check failed). */
  failure?: string;
  timings: StageTiming[];
}

/**
 * The whole path, once, for both adapters: each stage is the same code as its own action and command.
 * Every input is checked before the first stage runs. What does not depend on another stage runs
 * alongside it: preflight beside ocir-login and the image build (or the registry's answer that it
 * holds the image already), the Entra token, the gateway as soon as fn-deploy has the function's
 * OCID (while the function becomes ACTIVE), and the smoke test once both are done.
 */
export async function runPipeline(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
): Promise<PipelineResult> {
  const { repository } = await checkBeforeAnyStage(inputs, ctx);
  // A build from path: which builder `docker build` is, asked (a local process) while fn-context
  // runs, so the build never waits for it.
  const builder = repository === undefined ? undefined : askBuilder(host, ctx.signal);
  builder?.catch(() => {}); // a failure is reported by the build that awaits it, if one runs
  const run: PipelineResult = { changed: false, timings: [] };
  const stage = timedStages(host, run.timings);
  let profile = inputs.existingProfile;
  // The tenancy namespace fn-context's signed check read: ocir-login need not look it up again.
  let namespace: string | undefined;
  if (inputs.fnContext) {
    const given = inputs.fnContext;
    const result = await stage.alone("fn-context", ctx, (stageCtx) =>
      configureFnContext(given, stageCtx, { onRestorePlan: (plan) => host.onRestorePlan(plan) }),
    );
    host.onFnContext?.(result);
    profile = { configFile: result.configFile, profile: result.profile };
    if (result.namespace) host.output("namespace", result.namespace);
    namespace = result.namespace;
  }
  // Preflight runs inside: alongside ocir-login and the image, before anything is changed.
  const { blocked } = await deployStages(inputs, ctx, host, {
    run,
    stage,
    profile,
    repository,
    ...(namespace ? { namespace } : {}),
    ...(builder ? { builder } : {}),
  });
  if (blocked !== undefined) return finish(run, host, blocked);
  // What a user restores by hand, or a later step with the same outputs of fn-deploy and gateway-deploy.
  if (run.deployed?.previous) host.output("previous-image", run.deployed.previous.image);
  if (run.gateway?.previous) host.output("previous-deployment-etag", run.gateway.previous.etag);
  if (inputs.smoke) {
    const smokeStage = smokeStageInputs(inputs.smoke, run, profile);
    const smoke = await stage.alone("smoke-test", ctx, (stageCtx) => runSmokeTest(smokeStage, stageCtx));
    run.smoke = smoke;
    host.output("passed", String(smoke.passed));
    host.output("results", JSON.stringify(smoke.results));
    if (!smoke.passed) {
      host.output("promoted", "false");
      if (inputs.rollout === "direct" || !profile) {
        host.output("rolled-back", "false");
        return finish(run, host, failureSummary(smoke));
      }
      const given = profile;
      const rollback = await stage.alone("rollback", ctx, (stageCtx) =>
        rollBack(run, stageCtx, given, () => runSmokeTest(smokeStage, stageCtx)),
      );
      run.rolledBack = rollback.rolledBack;
      host.output("rolled-back", String(rollback.rolledBack));
      return finish(run, host, `${failureSummary(smoke)} ${rollback.summary}`);
    }
  }
  // Without a smoke test nothing was verified: what was deployed stays, as under direct.
  host.output("promoted", "true");
  host.output("rolled-back", "false");
  return finish(run, host);
}

async function askBuilder(host: PipelineHost, signal: AbortSignal | undefined): Promise<BuilderChoice> {
  const [{ docker }, { attestationFlags }] = await Promise.all([
    host.tools.ocir(),
    import("../docker/attestation-flags.ts"),
  ]);
  // Without docker, fn-image stops with its own line before it would await this.
  if (!docker) throw new Error("docker is not installed");
  return attestationFlags(docker, signal);
}

function finish(run: PipelineResult, host: PipelineHost, failure?: string): PipelineResult {
  host.output("changed", String(run.changed));
  return failure === undefined ? run : { ...run, failure };
}

/** The verdict as an error, for an adapter that fails its step by throwing. */
export function pipelineFailure(result: PipelineResult): UserError | undefined {
  return result.failure === undefined ? undefined : new UserError(result.failure);
}
