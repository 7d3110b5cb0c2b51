import { isUserError, UserError } from "../errors.ts";
import { chooseGcpCredential, type GcpCredentialInputs } from "../gcp/credential-choice.ts";
import { principalOf } from "../gcp/credentials.ts";
import type { StepContext } from "../step-context.ts";
import {
  type CloudRunDeployInputs,
  type CloudRunDeployResult,
  type CloudRunDeployTools,
  cloudRunDeploy,
} from "./cloud-run-deploy.ts";
import { planCloudRunDeploy } from "./cloud-run-deploy-plan.ts";
import { finishCandidate, smokeTarget } from "./cloud-run-verify.ts";
import { type GcpIdTokenResult, gcpIdToken } from "./gcp-id-token.ts";
import { cloudRunDeployOutputs, rolloutOutputs } from "./outputs/cloud-run-deploy.ts";
import { smokeTestOutputs } from "./outputs/smoke-test.ts";
import { type HandOver, handOver, sideBySide } from "./side-by-side.ts";
import type { SmokeTestSettings } from "./smoke-stage.ts";
import { failureSummary, runSmokeTest, type SmokeTestResult } from "./smoke-test.ts";
import { type StageRunner, type StageWait, timedStageRunner } from "./timed-stage-runner.ts";
import { untilAborted } from "./until-aborted.ts";

/** What the user gives the Cloud Run pipeline (src/inputs/cloud-run-pipeline.ts reads it). */
export interface CloudRunPipelineInputs {
  /** cloud-run-deploy's inputs; the pipeline always waits for the rollout (the smoke test needs it). */
  deploy: CloudRunDeployInputs;
  /**
   * Who the smoke test calls as (invoker-credentials-json or invoker-service-account): granted
   * roles/run.invoker by the deploy. Undefined: the deploying credential calls, and is granted nothing.
   */
  invoker?: GcpCredentialInputs;
  /** smoke-test's inputs but the URL and the token, which the deploy and the token stages hand over. */
  smoke: SmokeTestSettings;
  /** The JWKS that signs the service's tokens (Google's), for the smoke test's hs256-key-confusion. */
  jwksUri?: string;
}

/** What each adapter supplies: how a stage is shown, the deploy's tools, and where outputs go. */
export interface CloudRunPipelineHost {
  stage: StageRunner;
  /** docker (to build from path), the GitHub OIDC token source, and where a registry login is recorded. */
  tools(): Promise<CloudRunDeployTools>;
  /** Each output as soon as it is known, so a run that fails later still reports what it did. */
  output(name: string, value: string): void;
}

export interface CloudRunPipelineResult {
  deployed?: CloudRunDeployResult;
  token?: Omit<GcpIdTokenResult, "idToken">;
  smoke?: SmokeTestResult;
  /** Set when the run ended with a failed verdict (a smoke check failed). */
  failure?: string;
  timings: StageWait[];
}

/**
 * cloud-run-deploy, gcp-id-token and smoke-test in one run, each the same code as its own action and
 * command. Every input is checked before the first call. The ID token for the smoke test is fetched
 * alongside the deploy, as soon as the service's URL (its audience) is known, which for an existing
 * service is before its new revision is ready; the smoke test runs once both are done. A failure in
 * one branch stops the other.
 */
export async function runCloudRunPipeline(
  inputs: CloudRunPipelineInputs,
  ctx: StepContext,
  host: CloudRunPipelineHost,
): Promise<CloudRunPipelineResult> {
  const tools = await host.tools();
  const deploy = await checkBeforeAnyStage(inputs, ctx, tools);
  const run: CloudRunPipelineResult = { timings: [] };
  const stage = timedStageRunner(host.stage, run.timings);
  const url = handOver<string>();
  let idToken = "";
  await sideBySide(ctx.signal, [
    async (signal) => {
      try {
        const deployed = await stage(
          "cloud-run-deploy",
          { ...ctx, signal },
          (stageCtx) => cloudRunDeploy(deploy, stageCtx, tools, { onUrl: (known) => url.give(known) }),
          { alongside: true },
        );
        run.deployed = deployed;
        for (const [name, value] of Object.entries(cloudRunDeployOutputs(deployed))) host.output(name, value);
        if (!deployed.url) throw new Error("Cloud Run answered the deployed service without its URL");
        url.give(deployed.url);
      } catch (error) {
        url.fail(error);
        throw error;
      }
    },
    async (signal) => {
      const token = await tokenBranch(inputs, { ...ctx, signal }, tools, stage, url);
      const { idToken: value, ...shown } = token;
      idToken = value;
      run.token = shown;
    },
  ]);
  // verify-then-promote: the candidate is checked on its tag's URL; the main URL still serves the old one.
  const target = smokeTarget(run.deployed);
  const smoke = await stage(
    "smoke-test",
    ctx,
    (stageCtx) =>
      runSmokeTest(
        {
          ...inputs.smoke,
          url: target,
          token: idToken,
          platform: "cloud-run",
          ...(inputs.jwksUri ? { jwksUri: inputs.jwksUri } : {}),
        },
        stageCtx,
      ),
    { alongside: false },
  );
  run.smoke = smoke;
  for (const [name, value] of Object.entries(smokeTestOutputs(smoke))) host.output(name, value);
  const finished = await finishCandidate(run.deployed, smoke.passed, (name, candidate) =>
    stage(name, ctx, (stageCtx) => candidate(deploy, stageCtx, tools), { alongside: false }),
  );
  if (finished && run.deployed) {
    run.deployed = { ...run.deployed, rollout: finished.outcome };
    for (const [name, value] of Object.entries(rolloutOutputs(run.deployed))) host.output(name, value);
  }
  if (smoke.passed) return run;
  return { ...run, failure: [finished?.failure, failureSummary(smoke)].filter(Boolean).join(" ") };
}

/**
 * What can be refused without a call, for both stages: cloud-run-deploy's own plan (project, image,
 * invokers, credential, build source) and the smoke caller's credential. The smoke caller, when named,
 * is added to the invokers: without roles/run.invoker its token would be refused.
 */
async function checkBeforeAnyStage(
  inputs: CloudRunPipelineInputs,
  ctx: StepContext,
  tools: CloudRunDeployTools,
): Promise<CloudRunDeployInputs> {
  const caller = inputs.invoker && invokerCredential(inputs.invoker, ctx, tools);
  const invokers = [
    ...(inputs.deploy.invokers ? [inputs.deploy.invokers] : []),
    ...(caller ? [`serviceAccount:${principalOf(caller)}`] : []),
  ].join("\n");
  const deploy: CloudRunDeployInputs = {
    ...inputs.deploy,
    wait: true,
    ...(invokers ? { invokers } : {}),
  };
  await planCloudRunDeploy(deploy, ctx, tools);
  return deploy;
}

/** The smoke caller's credential; a problem with it names the pipeline's input, not gcp-id-token's. */
function invokerCredential(invoker: GcpCredentialInputs, ctx: StepContext, tools: CloudRunDeployTools) {
  try {
    return chooseGcpCredential(invoker, ctx, tools);
  } catch (error) {
    throw namingInvokerInputs(error);
  }
}

/** gcp-id-token's errors start with the input at fault: for the smoke caller, that is an invoker-* input. */
function namingInvokerInputs(error: unknown): unknown {
  if (!isUserError(error)) return error;
  const renamed = error.message.replace(/^(credentials-json|service-account)\b/, "invoker-$1");
  return renamed === error.message ? error : new UserError(renamed);
}

async function tokenBranch(
  inputs: CloudRunPipelineInputs,
  ctx: StepContext,
  tools: CloudRunDeployTools,
  stage: ReturnType<typeof timedStageRunner>,
  url: HandOver<string>,
): Promise<GcpIdTokenResult> {
  const waitStarted = ctx.now().getTime();
  // The token's audience is the service's URL: wait for it, not for the new revision.
  const audience = await url.promise;
  const waited = { ms: ctx.now().getTime() - waitStarted, for: "the service's URL" };
  const { invoker } = inputs;
  const fetch = (stageCtx: StepContext) =>
    untilAborted(
      invoker
        ? gcpIdToken({ ...invoker, audience }, stageCtx, tools).catch((error: unknown) => {
            throw namingInvokerInputs(error);
          })
        : gcpIdToken({ ...credentialOf(inputs.deploy), audience }, stageCtx, tools),
      stageCtx.signal,
    );
  return stage("gcp-id-token", ctx, fetch, { alongside: true, waited });
}

function credentialOf(deploy: CloudRunDeployInputs): GcpCredentialInputs {
  const { credentialsJson, workloadIdentityProvider, serviceAccount } = deploy;
  return {
    ...(credentialsJson !== undefined ? { credentialsJson } : {}),
    ...(workloadIdentityProvider !== undefined ? { workloadIdentityProvider } : {}),
    ...(serviceAccount !== undefined ? { serviceAccount } : {}),
  };
}
