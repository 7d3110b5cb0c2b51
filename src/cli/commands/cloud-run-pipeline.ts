import { dockerLogout, type RegistryCleanup } from "../../docker/registry-login.ts";
import { readCloudRunPipelineInputs } from "../../inputs/cloud-run-pipeline.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import type { Logger } from "../../step-context.ts";
import { prefixedLogger } from "../../steps/stage-logger.ts";
import { stageWaitTimeline } from "../../steps/timed-stage-runner.ts";
import { cloudRunTools, dockerTools, type ToolSources } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

/**
 * The cloud-run-pipeline action (src/steps/cloud-run-pipeline.ts) from the command line; at the end,
 * success or failure, a registry login the deploy stage could not undo itself is undone, as the
 * action's post step does.
 */
export const run: CommandRunner = async ({ read, host, tools, ctx }) => {
  const inputs = readEveryInput(read, (all) => readCloudRunPipelineInputs(all, host));
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { runCloudRunPipeline } = await import("../../steps/cloud-run-pipeline.ts");
  const outputs: Record<string, string> = {};
  let login: RegistryCleanup | undefined;
  try {
    const result = await runCloudRunPipeline(inputs, ctx, {
      // Every stage starts with a header line; side by side, each of its lines also names it.
      stage: (name, work, { ctx: stageCtx, alongside }) => {
        if (!alongside) return stageCtx.logger.group(name, () => work(stageCtx));
        stageCtx.logger.info(`── ${name} (alongside other stages: its lines start with [${name}])`);
        return work({ ...stageCtx, logger: prefixedLogger(stageCtx.logger, `[${name}] `) });
      },
      tools: async () => ({
        ...(await cloudRunTools(tools)),
        recordLogin: (cleanup) => {
          login = cleanup;
        },
      }),
      output: (name, value) => {
        outputs[name] = value;
      },
    });
    for (const [stage, started, ended, waited] of stageWaitTimeline(result.timings)) {
      ctx.logger.info(`${stage}: ${started} to ${ended}${waited === "-" ? "" : `, waited ${waited}`}`);
    }
    return { outputs, ...(result.failure === undefined ? {} : { failure: result.failure }) };
  } finally {
    if (login) await logOut(login, ctx.logger, tools);
  }
};

async function logOut(login: RegistryCleanup, logger: Logger, tools: ToolSources): Promise<void> {
  const { docker } = await dockerTools(tools);
  // Normally done by the deploy stage right after its push: then this finds nothing to undo.
  if (await dockerLogout(docker, login, (message) => logger.warning(message))) {
    logger.info(`Logged out of ${login.registry}.`);
  }
}
