import * as core from "@actions/core";
import { type CleanupTask, runCleanups } from "../../steps/cleanup-tasks.ts";
import { restoreFnContext } from "../../steps/fn-context-cleanup.ts";
import { ocirLogoutTasks } from "../../steps/ocir-login.ts";
import { getTools as ocirTools } from "../ocir-login/inputs.ts";
import { runPost } from "../run.ts";
import { loadOrWarn } from "../state.ts";
import { actionStepContext } from "../step-context.ts";
import { fnContextPlan, ocirCleanup } from "./state.ts";

/**
 * Undoes the stages in reverse order: log out of OCIR, then remove the key and restore ~/.oci and
 * ~/.fn. Each part runs whatever happened to the ones before it, and each failure is its own warning.
 */
await runPost(async () => {
  const ctx = actionStepContext();
  const warn = (message: string) => ctx.logger.warning(message);
  const tasks: CleanupTask[] = [];
  const login = loadOrWarn(ocirCleanup, "ocir-login", warn);
  if (login) tasks.push(...ocirLogoutTasks(login, ctx, await ocirTools()));
  const plan = loadOrWarn(fnContextPlan, "fn-context", warn);
  if (plan) {
    tasks.push({
      what: "removing fn-context's key and restoring ~/.oci and ~/.fn",
      run: () => restoreFnContext(plan, ctx),
    });
  }
  if (tasks.length === 0) core.info("Nothing to clean up.");
  await runCleanups(tasks, ctx.logger);
});
