import * as core from "@actions/core";
import { restoreFnContext } from "../../steps/fn-context-cleanup.ts";
import { runPost } from "../run.ts";
import { restorePlanState } from "./state.ts";

await runPost(async ({ ctx }) => {
  const plan = restorePlanState.load();
  if (!plan) {
    core.info("Nothing to clean up: the main step wrote no files.");
    return;
  }
  await restoreFnContext(plan, ctx());
});
