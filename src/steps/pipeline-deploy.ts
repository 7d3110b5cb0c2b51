import type { BuilderChoice } from "../docker/attestation-flags.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import { blockedError } from "../preflight/report.ts";
import type { StepContext } from "../step-context.ts";
import { checkExpectedToken, entraToken } from "./entra-token.ts";
import type { IssuedToken } from "./entra-token-handover.ts";
import { deployGateway, lookUpDeployment } from "./gateway-deploy.ts";
import type { PipelineHost, PipelineInputs, PipelineResult } from "./pipeline.ts";
import { functionBranch } from "./pipeline-function.ts";
import { preflightForPipeline } from "./pipeline-preflight.ts";
import { runPreflight } from "./preflight.ts";
import { type HandOver, handOver, sideBySide } from "./side-by-side.ts";
import type { TimedStages } from "./stage-timing.ts";

export interface DeployState {
  run: PipelineResult;
  stage: TimedStages;
  profile: OciProfile | undefined;
  /** The OCIR repository fn-deploy pushes to, for preflight. */
  repository: string | undefined;
  /** The tenancy namespace fn-context read with the profile, when it ran. */
  namespace?: string;
  /** Which builder `docker build` is, asked while fn-context ran (a build from path only). */
  builder?: Promise<BuilderChoice>;
}

/** Where preflight leaves the token it requested, in memory only, for the entra-token stage. */
interface TokenHandOver {
  issued?: IssuedToken;
}

/** Preflight found a miss that would fail the deploy: the run stops before any change, with this. */
class PreflightBlocked extends Error {}

/**
 * The stages between fn-context and the smoke test, side by side. Preflight (read-only) runs
 * alongside ocir-login and the preparation of fn-deploy's image (see functionBranch); whatever
 * writes to the cloud or the registry waits until preflight has cleared the run. The gateway is
 * deployed as soon as fn-deploy has created or updated the function (its OCID), while the function
 * becomes ACTIVE; the Entra token alongside. A failure in one stops the others. The token is then
 * checked against what the gateway demands, unless the user named what to expect.
 * Returns the verdict when preflight stopped the run.
 */
export async function deployStages(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
  state: DeployState,
): Promise<{ blocked?: string }> {
  const cleared = handOver<void>();
  const functionId = handOver<string>();
  const underway = handOver<void>();
  // The token preflight gets for entra-token's own inputs: that stage uses it rather than asking again.
  const token: TokenHandOver = {};
  try {
    // The function branch first: its registry login and image lead to the function the gateway
    // waits for (the run's critical path), so its first calls go out before preflight's.
    await sideBySide(ctx.signal, [
      (signal) =>
        functionBranch(inputs, { ...ctx, signal }, host, state, {
          cleared: cleared.promise,
          functionId,
          underway,
        }),
      (signal) => preflightBranch(inputs, { ...ctx, signal }, host, state, { cleared, token, underway }),
      (signal) => gatewayBranch(inputs, { ...ctx, signal }, host, state, cleared.promise, functionId.promise),
      (signal) => tokenBranch(inputs, { ...ctx, signal }, host, state, { cleared: cleared.promise, token }),
    ]);
  } catch (error) {
    if (error instanceof PreflightBlocked) return { blocked: error.message };
    throw error;
  }
  const { run } = state;
  if (inputs.entra && run.token && run.gateway) {
    const { expected } = inputs.entra;
    checkExpectedToken(run.token.claims, {
      issuers: expected.issuers?.length ? expected.issuers : run.gateway.issuers,
      audiences: expected.audiences?.length ? expected.audiences : run.gateway.audiences,
    });
  }
  return {};
}

/** Read-only checks, before the first change anywhere; `cleared` lets the writing stages go on. */
async function preflightBranch(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
  { run, stage, profile, repository }: DeployState,
  { cleared, token, underway }: { cleared: HandOver<void>; token: TokenHandOver; underway: HandOver<void> },
): Promise<void> {
  try {
    if (inputs.preflight) {
      // Loading its checks' SDKs takes the CPU for a quarter second: after fn-image has asked the
      // registry and the application what it needs, the load fills its waits instead of delaying it.
      await underway.promise;
      const checks = preflightForPipeline(inputs, { ociProfile: profile, repository });
      const result = await stage.alongside("preflight", ctx, (stageCtx) =>
        runPreflight(checks, stageCtx, host.tools.entra, {
          onEntraToken: (issued) => {
            token.issued = issued;
          },
        }),
      );
      run.preflight = result;
      host.output("preflight", JSON.stringify(result.rows));
      await host.onPreflight?.(result);
      if (result.blocked) throw new PreflightBlocked(blockedError(result.rows).message);
    }
    cleared.give();
  } catch (error) {
    // The same error wherever it surfaces first: in this branch, or in one waiting for clearance.
    cleared.fail(error);
    throw error;
  }
}

async function gatewayBranch(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
  { run, stage, profile }: DeployState,
  cleared: Promise<void>,
  functionId: Promise<string>,
): Promise<void> {
  if (!inputs.gateway || !profile) return;
  const waitStarted = ctx.now().getTime();
  await cleared;
  // Read-only: the deployment is looked up while fn-deploy makes the function, so the gateway's write
  // follows the function's OCID at once. A failure surfaces in the gateway stage, if it gets to run.
  const found = inputs.fnDeploy
    ? lookUpDeployment({ ...inputs.gateway, ociProfile: profile }, ctx)
    : undefined;
  found?.catch(() => {});
  // With fn-deploy in the run, the route calls the function it makes: wait for its OCID, not for ACTIVE.
  const id = inputs.fnDeploy ? await functionId : inputs.gateway.functionId;
  const waitedMs = ctx.now().getTime() - waitStarted;
  const gatewayInputs = { ...inputs.gateway, ociProfile: profile, ...(id ? { functionId: id } : {}) };
  const gateway = await stage.alongside(
    "gateway-deploy",
    ctx,
    (stageCtx) => deployGateway(gatewayInputs, stageCtx, {}, found),
    waitedMs,
    inputs.fnDeploy ? "the function's OCID" : "preflight",
  );
  run.gateway = gateway;
  run.changed ||= gateway.changed;
  host.output("deployment-id", gateway.deploymentId);
  host.output("url", gateway.url);
}

async function tokenBranch(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
  { run, stage }: DeployState,
  { cleared, token }: { cleared: Promise<void>; token: TokenHandOver },
): Promise<void> {
  const entra = inputs.entra;
  if (!entra) return;
  // After preflight, which gets the same token to check it: a token Entra refuses is its verdict, and
  // one it issued is used here (while valid) instead of a second request.
  await cleared;
  // Checked here against what the user expects; against what the gateway demands once it is deployed.
  run.token = await stage.alongside("entra-token", ctx, (stageCtx) =>
    entraToken(entra, stageCtx, host.tools.entra, token.issued ? { issued: token.issued } : {}),
  );
}
