import { readTeardownInputs } from "../../inputs/teardown.ts";
import { teardownOutputs } from "../../steps/outputs/teardown.ts";
import { googleTokenSource } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, host, tools, ctx }) => {
  const inputs = readTeardownInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { teardown } = await import("../../steps/teardown.ts");
  const result = await teardown(inputs, ctx, googleTokenSource(tools));
  return { outputs: teardownOutputs(result) };
};
