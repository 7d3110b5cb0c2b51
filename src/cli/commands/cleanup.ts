import { type CleanupTask, runCleanups } from "../../steps/cleanup-tasks.ts";
import { restoreFnContext } from "../../steps/fn-context-cleanup.ts";
import { ocirLogoutTasks } from "../../steps/ocir-login.ts";
import { dockerTools } from "../../tools/step-tools.ts";
import type { CleanupRecords } from "../cleanup-store.ts";
import type { CommandRunner } from "../command.ts";

/**
 * The CLI's post step: undoes what standalone fn-context and ocir-login runs recorded, newest first
 * (log out of OCIR, then remove the key and restore ~/.oci and ~/.fn). Every record is undone whatever
 * happened to the others; each failure is a warning, and its record is kept so a later
 * `fngate cleanup` can try again. `fngate pipeline` does this by itself at its end.
 */
export const run: CommandRunner = async ({ tools: sources, ctx, cleanup }) => {
  const records = cleanup.load();
  const tools = await dockerTools(sources);
  const left: CleanupRecords = { fnContext: [], ocirLogin: [] };
  let undone = 0;
  const undo = async (tasks: CleanupTask[], keep: () => void) => {
    if ((await runCleanups(tasks, ctx.logger)).length > 0) keep();
    else undone += 1;
  };
  for (const login of [...records.ocirLogin].reverse()) {
    await undo(ocirLogoutTasks(login, ctx, tools), () => left.ocirLogin.unshift(login));
  }
  for (const plan of [...records.fnContext].reverse()) {
    const task = {
      what: "removing fn-context's key and restoring ~/.oci and ~/.fn",
      run: () => restoreFnContext(plan, ctx),
    };
    await undo([task], () => left.fnContext.unshift(plan));
  }
  cleanup.keep(left);
  const kept = left.ocirLogin.length + left.fnContext.length;
  ctx.logger.info(
    (undone > 0 ? `undid ${undone} change(s)` : kept > 0 ? "undid nothing" : "nothing to clean up") +
      (kept > 0 ? `; ${kept} could not be undone and stay recorded for the next \`fngate cleanup\`` : ""),
  );
  return { outputs: { undone: String(undone) } };
};
