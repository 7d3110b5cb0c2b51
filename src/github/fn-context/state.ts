import type { RestorePlan } from "../../fs/restore-plan.ts";
import { postState } from "../state.ts";

/** What fn-context's post step needs: the files to restore. */
export const restorePlanState = postState<RestorePlan>("restore-plan");
