import * as core from "@actions/core";
import { restoreFnContext } from "../../steps/fn-context-cleanup.ts";
import { ocirLogout } from "../../steps/ocir-login.ts";
import { getTools as ocirTools } from "../ocir-login/inputs.ts";
import { runPost } from "../run.ts";
import { actionStepContext } from "../step-context.ts";
import { fnContextPlan, ocirCleanup } from "./state.ts";

/** Undoes the stages in reverse order: log out of OCIR, then remove the key and restore ~/.oci and ~/.fn. */
await runPost(async () => {
  const ctx = actionStepContext();
  const cleanup = ocirCleanup.load();
  if (cleanup) await ocirLogout(cleanup, ctx, await ocirTools());
  const plan = fnContextPlan.load();
  if (plan) await restoreFnContext(plan, ctx);
  if (!cleanup && !plan) core.info("Nothing to clean up.");
});
