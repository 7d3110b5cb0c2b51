import { type RestorePlan, restore } from "../fs/restore-plan.ts";
import type { StepContext } from "../step-context.ts";

/** fn-context's post step: every file and folder the step touched goes back to exactly what it was. */
export async function restoreFnContext(plan: RestorePlan, ctx: StepContext): Promise<void> {
  await restore(plan);
  const files = plan.entries.filter((entry) => entry.kind === "file").length;
  ctx.logger.info(
    `Removed the key files fn-context wrote and restored ${files} configuration files to what they were before fn-context.`,
  );
}
