import { UserError } from "../errors.ts";
import type { RestorePlan } from "../fs/restore-plan.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import { blockedError } from "../preflight/report.ts";
import type { StepContext } from "../step-context.ts";
import {
  type EntraTokenInputs,
  type EntraTokenResult,
  type EntraTokenTools,
  entraToken,
} from "./entra-token.ts";
import { configureFnContext, type FnContextInputs, type FnContextResult } from "./fn-context.ts";
import { deployFunction, type FnDeployResult, type FnDeployTools } from "./fn-deploy.ts";
import { deployGateway, type GatewayDeployResult } from "./gateway-deploy.ts";
import {
  type OcirCleanup,
  type OcirLoginInputs,
  type OcirTools,
  ocirLogin,
  type TokenLogin,
} from "./ocir-login.ts";
import { checkBeforeAnyStage } from "./pipeline-checks.ts";
import { preflightForPipeline } from "./pipeline-preflight.ts";
import { type PreflightResult, runPreflight } from "./preflight.ts";
import { type SmokeStage, smokeStageInputs } from "./smoke-stage.ts";
import { failureSummary, runSmokeTest, type SmokeTestResult } from "./smoke-test.ts";
import type { FnDeploySettings, GatewaySettings } from "./stage-settings.ts";

/**
 * What the user gives the pipeline, stage by stage (src/inputs/pipeline.ts reads it). A stage is
 * absent when skipped. What one stage hands the next is not here: the OCI profile fn-context writes,
 * the image prefix ocir-login names, the function fn-deploy makes, the URL, JWKS and policy
 * gateway-deploy deploys, and the token entra-token gets are passed on as the stages run.
 */
export interface PipelineInputs {
  /** Run the read-only preflight checks after fn-context, before any change (input `preflight`). */
  preflight: boolean;
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

/** What each adapter supplies: how a stage is shown, its tools, and where records and outputs go. */
export interface PipelineHost {
  /** Runs one stage: in its own log group (GitHub) or after a header line (CLI). */
  stage<T>(name: string, work: () => Promise<T>): Promise<T>;
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
  /** Set when the run ended with a failed verdict (preflight blocked, a smoke check failed). */
  failure?: string;
}

/**
 * The whole path, once, for both adapters: each stage is the same code as its own action and command,
 * and what a stage makes is handed to the next. Every input is checked before the first stage runs.
 */
export async function runPipeline(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
): Promise<PipelineResult> {
  const { repository } = await checkBeforeAnyStage(inputs, ctx);
  const run: PipelineResult = { changed: false };
  let profile = inputs.existingProfile;
  if (inputs.fnContext) {
    const stage = inputs.fnContext;
    const result = await host.stage("fn-context", () =>
      configureFnContext(stage, ctx, { onRestorePlan: (plan) => host.onRestorePlan(plan) }),
    );
    host.onFnContext?.(result);
    profile = { configFile: result.configFile, profile: result.profile };
    if (result.namespace) host.output("namespace", result.namespace);
  }
  if (inputs.preflight) {
    // Read-only, after fn-context (it needs the profile) and before the first change anywhere.
    const checks = preflightForPipeline(inputs, { ociProfile: profile, repository });
    const result = await host.stage("preflight", () => runPreflight(checks, ctx, host.tools.entra));
    run.preflight = result;
    host.output("preflight", JSON.stringify(result.rows));
    await host.onPreflight?.(result);
    if (result.blocked) return finish(run, host, blockedError(result.rows).message);
  }
  let imagePrefix: string | undefined;
  let tokenLogin: TokenLogin | undefined;
  if (inputs.ocirLogin) {
    const login = { ...inputs.ocirLogin, ...(profile ? { ociProfile: profile } : {}) };
    const result = await host.stage("ocir-login", async () =>
      ocirLogin(login, ctx, await host.tools.ocir(), { onCleanup: (next) => host.onOcirCleanup(next) }),
    );
    imagePrefix = result.imagePrefix;
    tokenLogin = result.tokenLogin;
    host.output("namespace", result.namespace);
  }
  if (inputs.fnDeploy && profile) {
    const stage = {
      ...inputs.fnDeploy,
      ociProfile: profile,
      ...(inputs.fnDeploy.registry === undefined && imagePrefix ? { registry: imagePrefix } : {}),
    };
    // The registry token the ocir-login stage got is renewed around the push when it would expire;
    // with the stage in this run, an older login's token is not.
    const ocirStage = inputs.ocirLogin ? { tokenLogin } : undefined;
    const deployed = await host.stage("fn-deploy", async () =>
      deployFunction(stage, ctx, await host.tools.fnDeploy(ocirStage)),
    );
    run.deployed = deployed;
    run.changed ||= deployed.action !== "unchanged";
    host.output("function-id", deployed.functionId);
    host.output("image", deployed.image);
    host.output("digest", deployed.digest);
  }
  if (inputs.gateway && profile) {
    const functionId = run.deployed?.functionId ?? inputs.gateway.functionId;
    const stage = { ...inputs.gateway, ociProfile: profile, ...(functionId ? { functionId } : {}) };
    const gateway = await host.stage("gateway-deploy", () => deployGateway(stage, ctx));
    run.gateway = gateway;
    run.changed ||= gateway.changed;
    host.output("deployment-id", gateway.deploymentId);
    host.output("url", gateway.url);
  }
  if (inputs.entra) {
    const stage = inputs.entra;
    const { gateway } = run;
    // Check the token against what the gateway will demand, unless the user said otherwise.
    const expected = {
      issuers: stage.expected.issuers?.length ? stage.expected.issuers : (gateway?.issuers ?? []),
      audiences: stage.expected.audiences?.length ? stage.expected.audiences : (gateway?.audiences ?? []),
    };
    run.token = await host.stage("entra-token", () =>
      entraToken({ ...stage, expected }, ctx, host.tools.entra),
    );
  }
  if (inputs.smoke) {
    const stage = smokeStageInputs(inputs.smoke, run, profile);
    const smoke = await host.stage("smoke-test", () => runSmokeTest(stage, ctx));
    run.smoke = smoke;
    host.output("passed", String(smoke.passed));
    host.output("results", JSON.stringify(smoke.results));
    if (!smoke.passed) return finish(run, host, failureSummary(smoke));
  }
  return finish(run, host);
}

function finish(run: PipelineResult, host: PipelineHost, failure?: string): PipelineResult {
  host.output("changed", String(run.changed));
  return failure === undefined ? run : { ...run, failure };
}

/** The verdict as an error, for an adapter that fails its step by throwing. */
export function pipelineFailure(result: PipelineResult): UserError | undefined {
  return result.failure === undefined ? undefined : new UserError(result.failure);
}
