import { getTools as ocirTools } from "../../github/ocir-login/inputs.ts";
import { restoreFnContext } from "../../steps/fn-context-cleanup.ts";
import { ocirLogout } from "../../steps/ocir-login.ts";
import type { CommandRunner } from "../command.ts";

/**
 * The CLI's post step: undoes what standalone fn-context and ocir-login runs recorded, newest first
 * (log out of OCIR, then remove the key and restore ~/.oci and ~/.fn). `fngate pipeline` does this by
 * itself at its end.
 */
export const run: CommandRunner = async ({ ctx, cleanup }) => {
  const records = cleanup.load();
  for (const login of [...records.ocirLogin].reverse()) await ocirLogout(login, ctx, await ocirTools());
  for (const plan of [...records.fnContext].reverse()) await restoreFnContext(plan, ctx);
  cleanup.clear();
  const undone = records.ocirLogin.length + records.fnContext.length;
  ctx.logger.info(undone > 0 ? `undid ${undone} change(s)` : "nothing to clean up");
  return { outputs: { undone: String(undone) } };
};
