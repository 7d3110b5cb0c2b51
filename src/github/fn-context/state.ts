import * as core from "@actions/core";
import type { RestorePlan } from "../../fs/restore-plan.ts";

/** What crosses from fn-context's main step to its post step: paths and modes only, never a secret. */
const RESTORE_PLAN = "restore-plan";

export function saveRestorePlan(plan: RestorePlan): void {
  core.saveState(RESTORE_PLAN, JSON.stringify(plan));
}

export function loadRestorePlan(): RestorePlan | undefined {
  const raw = core.getState(RESTORE_PLAN);
  return raw ? (JSON.parse(raw) as RestorePlan) : undefined;
}
