import type { StepDeadline } from "../deadline.ts";

// The running step's deadline, started by runMain/runPost (run.ts) and handed to steps as ctx.signal by
// actionStepContext() (step-context.ts); its own module so neither of those imports the other.
let current: StepDeadline | undefined;

export function setStepDeadline(deadline: StepDeadline): StepDeadline {
  current = deadline;
  return deadline;
}

export function stepDeadline(): StepDeadline | undefined {
  return current;
}
