import { describeError } from "../../errors.ts";
import type { RestorePlan } from "../../fs/restore-plan.ts";
import { readPipelineInputs } from "../../inputs/pipeline.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import type { StepContext } from "../../step-context.ts";
import { type CleanupTask, runCleanups } from "../../steps/cleanup-tasks.ts";
import { restoreFnContext } from "../../steps/fn-context-cleanup.ts";
import { type OcirCleanup, ocirLogoutTasks } from "../../steps/ocir-login.ts";
import { prefixedLogger } from "../../steps/stage-logger.ts";
import { stageTimeline } from "../../steps/stage-timeline.ts";
import { dockerTools, entraTools, fnDeployTools, type ToolSources } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

/**
 * The root action's pipeline (src/steps/pipeline.ts) from the command line; at the end, success or
 * failure, the OCIR login is undone and ~/.oci and ~/.fn are restored, as the action's post step does.
 */
export const run: CommandRunner = async ({ read, host, tools, ctx }) => {
  const inputs = readEveryInput(read, (all) => readPipelineInputs(all, host));
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { runPipeline } = await import("../../steps/pipeline.ts");
  const undo: { plan?: RestorePlan; login?: OcirCleanup } = {};
  const outputs: Record<string, string> = {};
  let loggedOut: Promise<unknown> | undefined;
  try {
    const result = await runPipeline(inputs, ctx, {
      // Every stage starts with a header line; side by side, each of its lines also names it.
      stage: (name, work, { ctx: stageCtx, alongside }) => {
        if (!alongside) return stageCtx.logger.group(name, () => work(stageCtx));
        stageCtx.logger.info(`── ${name} (alongside other stages: its lines start with [${name}])`);
        return work({ ...stageCtx, logger: prefixedLogger(stageCtx.logger, `[${name}] `) });
      },
      tools: {
        ocir: () => dockerTools(tools),
        fnDeploy: (ocirStage) => fnDeployTools(tools, ocirStage?.tokenLogin),
        entra: entraTools(tools),
      },
      output: (name, value) => {
        outputs[name] = value;
      },
      onRestorePlan: (plan) => {
        undo.plan = plan;
      },
      // Known before docker login runs, so the end of the run undoes a login that failed half-way.
      onOcirCleanup: (cleanup) => {
        if (cleanup) undo.login = cleanup;
        else delete undo.login;
      },
      // The login ends with the command anyway: once the push is done, it ends beside the cloud waits.
      onRegistryDone: () => {
        const { login } = undo;
        if (!login) return;
        delete undo.login;
        const logger = prefixedLogger(ctx.logger, "[ocir-logout] ");
        loggedOut = dockerTools(tools)
          .then((docker) => runCleanups(ocirLogoutTasks(login, { ...ctx, logger }, docker), logger))
          .catch((error: unknown) => logger.warning(`cleanup failed: ${describeError(error)}`));
      },
    });
    for (const [stage, started, ended, waited] of stageTimeline(result.timings)) {
      ctx.logger.info(`${stage}: ${started} to ${ended}${waited === "-" ? "" : `, waited ${waited}`}`);
    }
    return { outputs, ...(result.failure === undefined ? {} : { failure: result.failure }) };
  } finally {
    await loggedOut;
    await undoChanges(undo, ctx, tools);
  }
};

/** The action's post step, in process: every part runs, and each failure is a warning, never the verdict. */
async function undoChanges(
  undo: { plan?: RestorePlan; login?: OcirCleanup },
  ctx: StepContext,
  tools: ToolSources,
): Promise<void> {
  if (!undo.login && !undo.plan) return;
  ctx.logger.info("── cleanup");
  const tasks: CleanupTask[] = undo.login ? ocirLogoutTasks(undo.login, ctx, await dockerTools(tools)) : [];
  const { plan } = undo;
  if (plan) {
    tasks.push({
      what: "removing fn-context's key and restoring ~/.oci and ~/.fn",
      run: () => restoreFnContext(plan, ctx),
    });
  }
  await runCleanups(tasks, ctx.logger);
}
