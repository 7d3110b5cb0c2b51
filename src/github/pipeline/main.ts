import * as core from "@actions/core";
import { UserError } from "../../errors.ts";
import { getTools as entraTools } from "../../inputs/entra-token.ts";
import { getTools as fnDeployTools } from "../../inputs/fn-deploy.ts";
import { dockerConfigDir, getTools as ocirTools } from "../../inputs/ocir-login.ts";
import {
  checkBeforeAnyStage,
  getPipelineInputs,
  PENDING_FUNCTION_ID,
  smokeStageInputs,
} from "../../inputs/pipeline.ts";
import { blockedError } from "../../preflight/report.ts";
import { type EntraTokenResult, entraToken } from "../../steps/entra-token.ts";
import { configureFnContext } from "../../steps/fn-context.ts";
import { deployFunction, type FnDeployResult } from "../../steps/fn-deploy.ts";
import { deployGateway, type GatewayDeployResult } from "../../steps/gateway-deploy.ts";
import { ocirLogin, type TokenLogin } from "../../steps/ocir-login.ts";
import { preflightForPipeline } from "../../steps/pipeline-preflight.ts";
import { runPreflight } from "../../steps/preflight.ts";
import { failureSummary, runSmokeTest, type SmokeTestResult } from "../../steps/smoke-test.ts";
import { exportedOciProfile } from "../oci-profile.ts";
import { writePreflightSummary } from "../preflight/summary.ts";
import { runMain } from "../run.ts";
import { actionStepContext } from "../step-context.ts";
import { stepDeadline } from "../step-deadline.ts";
import { fnContextPlan, ocirCleanup } from "./state.ts";
import { writePipelineSummary } from "./summary.ts";

/** A stage in its own log group; a deadline reached meanwhile names the stage. */
function inStage<T>(name: string, run: () => Promise<T>): Promise<T> {
  const deadline = stepDeadline();
  return core.group(name, () => (deadline ? deadline.during(`the ${name} stage`, run) : run()));
}

/**
 * The whole path in one step: each stage is the same code as its own action, run in this process so
 * the pipeline works from any ref of the repository; each stage has its own log group, and the post
 * step undoes what fn-context and ocir-login changed whatever happened.
 */
await runMain(async () => {
  const inputs = getPipelineInputs();
  const ctx = actionStepContext();
  const { repository } = await checkBeforeAnyStage(inputs, ctx);
  let profile = exportedOciProfile();
  let imagePrefix: string | undefined;
  let tokenLogin: TokenLogin | undefined;
  let deployed: FnDeployResult | undefined;
  let gateway: GatewayDeployResult | undefined;
  let token: EntraTokenResult | undefined;
  let smoke: SmokeTestResult | undefined;

  if (inputs.fnContext) {
    const stage = inputs.fnContext;
    const result = await inStage("fn-context", () =>
      configureFnContext(stage, ctx, { onRestorePlan: (plan) => fnContextPlan.save(plan) }),
    );
    core.exportVariable("OCI_CLI_CONFIG_FILE", result.configFile);
    core.exportVariable("OCI_CLI_PROFILE", result.profile);
    // Later workflow steps that run the OCI CLI must sign with the session, as after fn-context alone.
    if (result.auth === "oidc") core.exportVariable("OCI_CLI_AUTH", "security_token");
    profile = { configFile: result.configFile, profile: result.profile };
    if (result.namespace) core.setOutput("namespace", result.namespace);
  }
  if (inputs.preflight) {
    // Read-only, after fn-context (it needs the profile) and before the first change anywhere.
    const stage = preflightForPipeline(inputs, {
      ociProfile: profile,
      repository,
      pendingFunctionId: PENDING_FUNCTION_ID,
    });
    const result = await inStage("preflight", () => runPreflight(stage, ctx, entraTools()));
    core.setOutput("preflight", JSON.stringify(result.rows));
    await writePreflightSummary(result.rows);
    if (result.blocked) throw blockedError(result.rows);
  }
  if (inputs.ocirLogin) {
    const stage = { ...inputs.ocirLogin, ...(profile ? { ociProfile: profile } : {}) };
    const result = await inStage("ocir-login", async () =>
      ocirLogin(stage, ctx, await ocirTools(), {
        // Saved before docker login runs: a run cancelled mid-login is still logged out by the post step.
        onCleanup: (cleanup) => (cleanup ? ocirCleanup.save(cleanup) : ocirCleanup.clear()),
      }),
    );
    imagePrefix = result.imagePrefix;
    tokenLogin = result.tokenLogin;
    core.setOutput("namespace", result.namespace);
  }
  if (inputs.fnDeploy && profile) {
    const stage = {
      ...inputs.fnDeploy,
      ociProfile: profile,
      ...(inputs.fnDeploy.registry === undefined && imagePrefix ? { registry: imagePrefix } : {}),
    };
    deployed = await inStage("fn-deploy", async () => {
      const tools = await fnDeployTools();
      // The registry token the ocir-login stage got is renewed around the push when it would expire.
      if (inputs.ocirLogin) delete tools.registryLogin;
      if (tokenLogin) tools.registryLogin = { tokenLogin, dockerConfigDir: dockerConfigDir() };
      return deployFunction(stage, ctx, tools);
    });
    core.setOutput("function-id", deployed.functionId);
    core.setOutput("image", deployed.image);
    core.setOutput("digest", deployed.digest);
  }
  if (inputs.gateway && profile) {
    const stage = {
      ...inputs.gateway,
      ociProfile: profile,
      ...(deployed ? { functionId: deployed.functionId } : {}),
    };
    gateway = await inStage("gateway-deploy", () => deployGateway(stage, ctx));
    core.setOutput("deployment-id", gateway.deploymentId);
    core.setOutput("url", gateway.url);
  }
  if (inputs.entra) {
    const stage = inputs.entra;
    // Check the token against what the gateway will demand, unless the user said otherwise.
    const expected = {
      issuers: stage.expected.issuers?.length ? stage.expected.issuers : (gateway?.issuers ?? []),
      audiences: stage.expected.audiences?.length ? stage.expected.audiences : (gateway?.audiences ?? []),
    };
    token = await inStage("entra-token", () => entraToken({ ...stage, expected }, ctx, entraTools()));
  }
  if (inputs.smoke) {
    const stage = smokeStageInputs(inputs.smoke, gateway, token, profile);
    smoke = await inStage("smoke-test", () => runSmokeTest(stage, ctx));
    core.setOutput("passed", String(smoke.passed));
    core.setOutput("results", JSON.stringify(smoke.results));
  }
  await writePipelineSummary({ deployed, gateway, token, smoke });
  if (smoke && !smoke.passed) throw new UserError(failureSummary(smoke));
});
