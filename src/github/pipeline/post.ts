import * as core from "@actions/core";
import { type CleanupTask, runCleanups } from "../../steps/cleanup-tasks.ts";
import { restoreFnContext } from "../../steps/fn-context-cleanup.ts";
import { ocirLogoutTasks } from "../../steps/ocir-login.ts";
import { dockerTools } from "../../tools/step-tools.ts";
import { closeDeploymentLeftOpen } from "../deployments/left-open.ts";
import { runPost } from "../run.ts";
import { loadOrWarn } from "../state.ts";
import { fnContextPlan, ocirCleanup } from "./state.ts";

/**
 * Ends a GitHub deployment main left open, then undoes the stages in reverse order: log out of OCIR,
 * then remove the key and restore ~/.oci and ~/.fn. Each part runs whatever happened to the ones before it, and each failure is its own warning.
 */
await runPost(async ({ tools, ctx: stepContext }) => {
  // A deployment main left in_progress (the step was killed or cancelled) is ended first.
  await closeDeploymentLeftOpen();
  const warn = (message: string) => core.warning(message);
  const login = loadOrWarn(ocirCleanup, "ocir-login", warn);
  const plan = loadOrWarn(fnContextPlan, "fn-context", warn);
  if (!login && !plan) {
    core.info("Nothing to clean up.");
    return;
  }
  // Built only when there is something to undo: a main step refused for its environment (a bad
  // FNGATE_*_ENDPOINT) changed nothing, and its post must not repeat the refusal as a failed cleanup.
  const ctx = stepContext();
  const tasks: CleanupTask[] = [];
  if (login) tasks.push(...ocirLogoutTasks(login, ctx, await dockerTools(tools)));
  if (plan) {
    tasks.push({
      what: "removing fn-context's key and restoring ~/.oci and ~/.fn",
      run: () => restoreFnContext(plan, ctx),
    });
  }
  await runCleanups(tasks, ctx.logger);
});
