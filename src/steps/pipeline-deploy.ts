import type { OciProfile } from "../oci/oci-clients.ts";
import type { StepContext } from "../step-context.ts";
import { checkExpectedToken, entraToken } from "./entra-token.ts";
import { deployFunction } from "./fn-deploy.ts";
import { deployGateway } from "./gateway-deploy.ts";
import { ocirLogin, type TokenLogin } from "./ocir-login.ts";
import type { PipelineHost, PipelineInputs, PipelineResult } from "./pipeline.ts";
import { handOver, sideBySide } from "./side-by-side.ts";
import type { TimedStages } from "./stage-timing.ts";

interface DeployState {
  run: PipelineResult;
  stage: TimedStages;
  profile: OciProfile | undefined;
}

/**
 * The stages between preflight and the smoke test, side by side: ocir-login then fn-deploy; the
 * gateway as soon as fn-deploy has created or updated the function (its OCID), while the function
 * becomes ACTIVE; the Entra token from the start. A failure in one stops the others. The token is
 * then checked against what the gateway demands, unless the user named what to expect.
 */
export async function deployStages(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
  state: DeployState,
): Promise<void> {
  const functionId = handOver<string>();
  await sideBySide(ctx.signal, [
    (signal) => functionBranch(inputs, { ...ctx, signal }, host, state, functionId),
    (signal) => gatewayBranch(inputs, { ...ctx, signal }, host, state, functionId.promise),
    (signal) => tokenBranch(inputs, { ...ctx, signal }, host, state),
  ]);
  const { run } = state;
  if (inputs.entra && run.token && run.gateway) {
    const { expected } = inputs.entra;
    checkExpectedToken(run.token.claims, {
      issuers: expected.issuers?.length ? expected.issuers : run.gateway.issuers,
      audiences: expected.audiences?.length ? expected.audiences : run.gateway.audiences,
    });
  }
}

async function functionBranch(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
  { run, stage, profile }: DeployState,
  functionId: { give(id: string): void; fail(error: unknown): void },
): Promise<void> {
  try {
    let imagePrefix: string | undefined;
    let tokenLogin: TokenLogin | undefined;
    if (inputs.ocirLogin) {
      const login = { ...inputs.ocirLogin, ...(profile ? { ociProfile: profile } : {}) };
      const result = await stage.alongside("ocir-login", ctx, async (stageCtx) =>
        ocirLogin(login, stageCtx, await host.tools.ocir(), {
          onCleanup: (next) => host.onOcirCleanup(next),
        }),
      );
      imagePrefix = result.imagePrefix;
      tokenLogin = result.tokenLogin;
      host.output("namespace", result.namespace);
    }
    if (!inputs.fnDeploy || !profile) {
      functionId.fail(new Error("fn-deploy is not in this run"));
      return;
    }
    const given = inputs.fnDeploy;
    const fnDeploy = {
      ...given,
      ociProfile: profile,
      ...(given.registry === undefined && imagePrefix ? { registry: imagePrefix } : {}),
    };
    // The registry token the ocir-login stage got is renewed around the push when it would expire;
    // with the stage in this run, an older login's token is not.
    const ocirStage = inputs.ocirLogin ? { tokenLogin } : undefined;
    const deployed = await stage.alongside("fn-deploy", ctx, async (stageCtx) =>
      deployFunction(fnDeploy, stageCtx, await host.tools.fnDeploy(ocirStage), {
        onFunction: (id) => functionId.give(id),
      }),
    );
    run.deployed = deployed;
    run.changed ||= deployed.action !== "unchanged";
    host.output("function-id", deployed.functionId);
    host.output("image", deployed.image);
    host.output("digest", deployed.digest);
  } catch (error) {
    functionId.fail(error);
    throw error;
  }
}

async function gatewayBranch(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
  { run, stage, profile }: DeployState,
  functionId: Promise<string>,
): Promise<void> {
  if (!inputs.gateway || !profile) return;
  const waitStarted = ctx.now().getTime();
  // With fn-deploy in the run, the route calls the function it makes: wait for its OCID, not for ACTIVE.
  const id = inputs.fnDeploy ? await functionId : inputs.gateway.functionId;
  const waitedMs = ctx.now().getTime() - waitStarted;
  const gatewayInputs = { ...inputs.gateway, ociProfile: profile, ...(id ? { functionId: id } : {}) };
  const gateway = await stage.alongside(
    "gateway-deploy",
    ctx,
    (stageCtx) => deployGateway(gatewayInputs, stageCtx),
    waitedMs,
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
): Promise<void> {
  const entra = inputs.entra;
  if (!entra) return;
  // Checked here against what the user expects; against what the gateway demands once it is deployed.
  run.token = await stage.alongside("entra-token", ctx, (stageCtx) =>
    entraToken(entra, stageCtx, host.tools.entra),
  );
}
