import type { RestorePlan } from "../../fs/restore-plan.ts";
import type { OcirCleanup } from "../../steps/ocir-login.ts";
import { postState } from "../state.ts";

/** What the pipeline's post step undoes, saved as soon as each stage has made its change. */
export const fnContextPlan = postState<RestorePlan>("fn-context-restore-plan");
export const ocirCleanup = postState<OcirCleanup>("ocir-login-cleanup");
