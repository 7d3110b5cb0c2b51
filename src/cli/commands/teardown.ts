import { readTeardownInputs } from "../../inputs/teardown.ts";
import { teardownOutputs } from "../../steps/outputs/teardown.ts";
import { teardown } from "../../steps/teardown.ts";
import { googleTokenSource } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, host, tools, ctx }) => {
  const result = await teardown(readTeardownInputs(read, host), ctx, googleTokenSource(tools));
  return { outputs: teardownOutputs(result) };
};
