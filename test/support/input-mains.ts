// Each action's main (src/github/<action>/main.ts) in process, as far as it goes without a cloud: the
// parser its main calls, then its step until the step's first call to a cloud (test/support/input-table.ts
// points every endpoint at a tripwire). Each mirrors its main line for line; the step is imported on use,
// as the main imports it, so a table loads only its own cloud's SDK.

import type { InputHost } from "../../src/inputs/input-host.ts";
import type { InputReader } from "../../src/inputs/reader.ts";
import { readEveryInput } from "../../src/inputs/reader.ts";
import type { StepContext } from "../../src/step-context.ts";
import type { StageRunner } from "../../src/steps/timed-stage-runner.ts";
import {
  cloudRunTools,
  dockerTools,
  entraTools,
  fnDeployTools,
  googleTokenSource,
  type ToolSources,
} from "../../src/tools/step-tools.ts";

/** What a main gets, as runMain's ActionRun gives it; `untilFirstCall` ends a step at its first call. */
export interface MainRun {
  read: InputReader;
  host: InputHost;
  tools: ToolSources;
  ctx(): StepContext;
  untilFirstCall(step: Promise<unknown>): Promise<void>;
}

/**
 * Each action's main (src/github/<action>/main.ts) as far as it goes without a cloud, returning the parsed
 * inputs. gateway-deploy stops after planGatewayDeploy, its step's first statement (what follows needs the
 * OCI profile's files). Imported on use, so a table loads only its own cloud's SDK.
 */
export const MAINS: Readonly<Record<string, (run: MainRun) => Promise<unknown>>> = {
  "cloud-run-deploy": async ({ read, host, tools, ctx, untilFirstCall }) => {
    const { readCloudRunDeployInputs } = await import("../../src/inputs/cloud-run-deploy.ts");
    const inputs = readEveryInput(read, (all) => readCloudRunDeployInputs(all, host));
    const { cloudRunDeploy } = await import("../../src/steps/cloud-run-deploy.ts");
    await untilFirstCall(cloudRunDeploy(inputs, ctx(), await cloudRunTools(tools)));
    return inputs;
  },
  "cloud-run-pipeline": async ({ read, host, tools, ctx, untilFirstCall }) => {
    const { readCloudRunPipelineInputs } = await import("../../src/inputs/cloud-run-pipeline.ts");
    const inputs = readEveryInput(read, (all) => readCloudRunPipelineInputs(all, host));
    const { runCloudRunPipeline } = await import("../../src/steps/cloud-run-pipeline.ts");
    const pipelineHost = {
      stage: <T>(_name: string, work: (stageCtx: StepContext) => Promise<T>, options: { ctx: StepContext }) =>
        work(options.ctx),
      tools: () => cloudRunTools(tools),
      output: () => undefined,
    };
    await untilFirstCall(runCloudRunPipeline(inputs, ctx(), pipelineHost));
    return inputs;
  },
  "entra-token": async ({ read, tools, ctx, untilFirstCall }) => {
    const { readEntraTokenInputs } = await import("../../src/inputs/entra-token.ts");
    const inputs = readEveryInput(read, (all) => readEntraTokenInputs(all));
    const { entraToken } = await import("../../src/steps/entra-token.ts");
    await untilFirstCall(entraToken(inputs, ctx(), entraTools(tools)));
    return inputs;
  },
  "fc-deploy": async ({ read, host, ctx, untilFirstCall }) => {
    const { readFcDeployInputs } = await import("../../src/inputs/fc-deploy.ts");
    const inputs = readEveryInput(read, (all) => readFcDeployInputs(all, host));
    await untilFirstCall((await import("../../src/steps/fc-deploy.ts")).fcDeploy(inputs, ctx()));
    return inputs;
  },
  "fc-pipeline": async ({ read, host, tools, ctx, untilFirstCall }) => {
    const { readFcPipelineInputs } = await import("../../src/inputs/fc-pipeline.ts");
    const inputs = readEveryInput(read, (all) => readFcPipelineInputs(all, host));
    const { runFcPipeline } = await import("../../src/steps/fc-pipeline.ts");
    // Each stage runs in place: the table looks at what is refused before the first call, not at groups.
    const stage: StageRunner = (_name, work, { ctx: stageCtx }) => work(stageCtx);
    await untilFirstCall(runFcPipeline(inputs, ctx(), { stage, entra: entraTools(tools), output: () => {} }));
    return inputs;
  },
  "fn-context": async ({ read, host, ctx, untilFirstCall }) => {
    const { readFnContextInputs } = await import("../../src/inputs/fn-context.ts");
    const inputs = readEveryInput(read, (all) => readFnContextInputs(all, host));
    const { configureFnContext } = await import("../../src/steps/fn-context.ts");
    await untilFirstCall(configureFnContext(inputs, ctx()));
    return inputs;
  },
  "fn-deploy": async ({ read, host, tools, ctx, untilFirstCall }) => {
    const { readFnDeployInputs } = await import("../../src/inputs/fn-deploy.ts");
    const inputs = readEveryInput(read, (all) => readFnDeployInputs(all, host));
    const { deployFunction } = await import("../../src/steps/fn-deploy.ts");
    await untilFirstCall(deployFunction(inputs, ctx(), await fnDeployTools(tools)));
    return inputs;
  },
  "gateway-deploy": async ({ read, host }) => {
    const { readGatewayDeployInputs } = await import("../../src/inputs/gateway-deploy.ts");
    const inputs = readEveryInput(read, (all) => readGatewayDeployInputs(all, host));
    (await import("../../src/oci/gateway/gateway-plan.ts")).planGatewayDeploy(inputs);
    return inputs;
  },
  "gcp-id-token": async ({ read, tools, ctx, untilFirstCall }) => {
    const { readGcpIdTokenInputs } = await import("../../src/inputs/gcp-id-token.ts");
    const inputs = readEveryInput(read, (all) => readGcpIdTokenInputs(all));
    const { gcpAccessToken, gcpIdToken } = await import("../../src/steps/gcp-id-token.ts");
    const { checkTokenFormat } = await import("../../src/gcp/token-format.ts");
    const access = checkTokenFormat(inputs.tokenFormat, inputs.audience) === "access-token";
    await untilFirstCall((access ? gcpAccessToken : gcpIdToken)(inputs, ctx(), googleTokenSource(tools)));
    return inputs;
  },
  "oci-token": async ({ read, ctx, untilFirstCall }) => {
    const { readOciTokenInputs } = await import("../../src/inputs/oci-token.ts");
    const inputs = readEveryInput(read, (all) => readOciTokenInputs(all));
    await untilFirstCall((await import("../../src/steps/oci-token.ts")).ociToken(inputs, ctx()));
    return inputs;
  },
  "ocir-login": async ({ read, host, tools, ctx, untilFirstCall }) => {
    const { readOcirLoginInputs } = await import("../../src/inputs/ocir-login.ts");
    const inputs = readEveryInput(read, (all) => readOcirLoginInputs(all, host));
    const { ocirLogin } = await import("../../src/steps/ocir-login.ts");
    await untilFirstCall(ocirLogin(inputs, ctx(), await dockerTools(tools), { onCleanup: () => {} }));
    return inputs;
  },
  // runPipeline's first statements: the checks before any stage, then the fn-context stage.
  pipeline: async ({ read, host, ctx, untilFirstCall }) => {
    const { readPipelineInputs } = await import("../../src/inputs/pipeline.ts");
    const inputs = readEveryInput(read, (all) => readPipelineInputs(all, host));
    await (await import("../../src/steps/pipeline-checks.ts")).checkBeforeAnyStage(inputs, ctx());
    const { configureFnContext } = await import("../../src/steps/fn-context.ts");
    if (inputs.fnContext) await untilFirstCall(configureFnContext(inputs.fnContext, ctx()));
    return inputs;
  },
  preflight: async ({ read, host, tools, ctx, untilFirstCall }) => {
    const { readPreflightInputs } = await import("../../src/inputs/preflight.ts");
    const inputs = readEveryInput(read, (all) => readPreflightInputs(all, host));
    const { runPreflight } = await import("../../src/steps/preflight.ts");
    await untilFirstCall(runPreflight(inputs, ctx(), inputs.gcp ? googleTokenSource(tools) : {}));
    return inputs;
  },
  "smoke-test": async ({ read, ctx, untilFirstCall }) => {
    const { readSmokeTestInputs } = await import("../../src/inputs/smoke-test.ts");
    const inputs = readEveryInput(read, (all) => readSmokeTestInputs(all));
    await untilFirstCall((await import("../../src/steps/smoke-test.ts")).runSmokeTest(inputs, ctx()));
    return inputs;
  },
  teardown: async ({ read, host, tools, ctx, untilFirstCall }) => {
    const { readTeardownInputs } = await import("../../src/inputs/teardown.ts");
    const inputs = readEveryInput(read, (all) => readTeardownInputs(all, host));
    const { teardown } = await import("../../src/steps/teardown.ts");
    await untilFirstCall(teardown(inputs, ctx(), googleTokenSource(tools)));
    return inputs;
  },
};
