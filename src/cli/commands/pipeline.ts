import type { RestorePlan } from "../../fs/restore-plan.ts";
import { getTools as fnDeployTools } from "../../inputs/fn-deploy.ts";
import { dockerConfigDir, getTools as ocirTools } from "../../inputs/ocir-login.ts";
import { checkBeforeAnyStage, PENDING_FUNCTION_ID, smokeStageInputs } from "../../inputs/pipeline.ts";
import { blockedError } from "../../preflight/report.ts";
import type { StepContext } from "../../step-context.ts";
import { type CleanupTask, runCleanups } from "../../steps/cleanup-tasks.ts";
import { type EntraTokenResult, entraToken } from "../../steps/entra-token.ts";
import { configureFnContext } from "../../steps/fn-context.ts";
import { restoreFnContext } from "../../steps/fn-context-cleanup.ts";
import { deployFunction, type FnDeployResult } from "../../steps/fn-deploy.ts";
import { deployGateway, type GatewayDeployResult } from "../../steps/gateway-deploy.ts";
import { type OcirCleanup, ocirLogin, ocirLogoutTasks, type TokenLogin } from "../../steps/ocir-login.ts";
import { preflightForPipeline } from "../../steps/pipeline-preflight.ts";
import { runPreflight } from "../../steps/preflight.ts";
import { failureSummary, runSmokeTest } from "../../steps/smoke-test.ts";
import type { CommandRunner } from "../command.ts";
import { commitSha } from "../commit-sha.ts";
import { cliOciProfile } from "../oci-profile.ts";
import { ciOidcToken, withCiOidcToken } from "../oidc-token.ts";
import { cliPipelineInputs } from "../pipeline-inputs.ts";

/**
 * The root action's stages in one process, each the same code as its own command; at the end (success
 * or failure) the OCIR login is undone and ~/.oci and ~/.fn are restored, as the action's post step does.
 */
export const run: CommandRunner = async ({ read, ctx, env, log }) => {
  const inputs = cliPipelineInputs(read, cliOciProfile(env, ctx.homeDir));
  const { repository } = await checkBeforeAnyStage(inputs, ctx);
  const undo: { plan?: RestorePlan; login?: OcirCleanup } = {};
  const outputs: Record<string, string> = {};
  const stage = <T>(name: string, work: () => Promise<T>) => {
    log.info(`── ${name}`);
    return work();
  };
  try {
    let profile = cliOciProfile(env, ctx.homeDir);
    let imagePrefix: string | undefined;
    let tokenLogin: TokenLogin | undefined;
    let deployed: FnDeployResult | undefined;
    let gateway: GatewayDeployResult | undefined;
    let token: EntraTokenResult | undefined;
    // Whether the cloud changed (function, gateway): false on a re-run with nothing new. The local
    // files fn-context writes are put back at the end of every run, so they do not count.
    let changed = false;
    if (inputs.fnContext) {
      const fnContext = inputs.fnContext;
      const result = await stage("fn-context", () =>
        configureFnContext(withCiOidcToken(fnContext, env, ctx.secrets), ctx, {
          onRestorePlan: (plan) => {
            undo.plan = plan;
          },
        }),
      );
      profile = { configFile: result.configFile, profile: result.profile };
      if (result.namespace) outputs.namespace = result.namespace;
    }
    if (inputs.preflight) {
      // Read-only, after fn-context (it needs the profile) and before the first change anywhere.
      const checks = preflightForPipeline(inputs, {
        ociProfile: profile,
        repository,
        pendingFunctionId: PENDING_FUNCTION_ID,
      });
      const tools = { githubIdToken: ciOidcToken(env, ctx.secrets) };
      const result = await stage("preflight", () => runPreflight(checks, ctx, tools));
      outputs.preflight = JSON.stringify(result.rows);
      if (result.blocked) {
        return { outputs: { ...outputs, changed: "false" }, failure: blockedError(result.rows).message };
      }
    }
    if (inputs.ocirLogin) {
      const login = { ...inputs.ocirLogin, ...(profile ? { ociProfile: profile } : {}) };
      const result = await stage("ocir-login", async () =>
        ocirLogin(login, ctx, await ocirTools(), {
          // Known before docker login runs, so the end of the run undoes a login that failed half-way.
          onCleanup: (cleanup) => {
            if (cleanup) undo.login = cleanup;
            else delete undo.login;
          },
        }),
      );
      imagePrefix = result.imagePrefix;
      tokenLogin = result.tokenLogin;
      outputs.namespace = result.namespace;
    }
    if (inputs.fnDeploy && profile) {
      const fn = {
        ...inputs.fnDeploy,
        ...commitSha(env),
        ociProfile: profile,
        ...(inputs.fnDeploy.registry === undefined && imagePrefix ? { registry: imagePrefix } : {}),
      };
      deployed = await stage("fn-deploy", async () => {
        const tools = await fnDeployTools();
        // The registry token the ocir-login stage got is renewed around the push when it would expire.
        if (inputs.ocirLogin) delete tools.registryLogin;
        if (tokenLogin) tools.registryLogin = { tokenLogin, dockerConfigDir: dockerConfigDir() };
        return deployFunction(fn, ctx, tools);
      });
      outputs["function-id"] = deployed.functionId;
      outputs.image = deployed.image;
      outputs.digest = deployed.digest;
      changed ||= deployed.action !== "unchanged";
    }
    if (inputs.gateway && profile) {
      const gw = {
        ...inputs.gateway,
        ociProfile: profile,
        ...(deployed ? { functionId: deployed.functionId } : {}),
      };
      gateway = await stage("gateway-deploy", () => deployGateway(gw, ctx));
      outputs["deployment-id"] = gateway.deploymentId;
      outputs.url = gateway.url;
      changed ||= gateway.changed;
    }
    if (inputs.entra) {
      const entra = inputs.entra;
      // Check the token against what the gateway will demand, unless the user said otherwise.
      const expected = {
        issuers: entra.expected.issuers?.length ? entra.expected.issuers : (gateway?.issuers ?? []),
        audiences: entra.expected.audiences?.length ? entra.expected.audiences : (gateway?.audiences ?? []),
      };
      const tools = { githubIdToken: ciOidcToken(env, ctx.secrets) };
      token = await stage("entra-token", () => entraToken({ ...entra, expected }, ctx, tools));
    }
    if (inputs.smoke) {
      const smoke = smokeStageInputs(inputs.smoke, gateway, token, profile);
      const result = await stage("smoke-test", () => runSmokeTest(smoke, ctx));
      for (const check of result.results) {
        log.info(
          `${check.passed ? "ok  " : "FAIL"} ${check.check}: ${check.answered} (expected ${check.expected})`,
        );
      }
      outputs.passed = String(result.passed);
      outputs.results = JSON.stringify(result.results);
      if (!result.passed) {
        return { outputs: { ...outputs, changed: String(changed) }, failure: failureSummary(result) };
      }
    }
    return { outputs: { ...outputs, changed: String(changed) } };
  } finally {
    await undoChanges(undo, ctx);
  }
};

/** The action's post step, in process: every part runs, and each failure is a warning, never the verdict. */
async function undoChanges(undo: { plan?: RestorePlan; login?: OcirCleanup }, ctx: StepContext) {
  if (!undo.login && !undo.plan) return;
  ctx.logger.info("── cleanup");
  const tasks: CleanupTask[] = undo.login ? ocirLogoutTasks(undo.login, ctx, await ocirTools()) : [];
  const { plan } = undo;
  if (plan) {
    tasks.push({
      what: "removing fn-context's key and restoring ~/.oci and ~/.fn",
      run: () => restoreFnContext(plan, ctx),
    });
  }
  await runCleanups(tasks, ctx.logger);
}
