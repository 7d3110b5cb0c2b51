import { readFnContextInputs } from "../../inputs/fn-context.ts";
import { fnContextOutputs } from "../../steps/outputs/fn-context.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, host, ctx, cleanup }) => {
  const inputs = readFnContextInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { configureFnContext } = await import("../../steps/fn-context.ts");
  const result = await configureFnContext(inputs, ctx, {
    onRestorePlan: (plan) => cleanup.addFnContext(plan),
  });
  ctx.logger.info(
    result.changed.length > 0
      ? `wrote ${result.changed.length} file(s); undo with \`fngate cleanup\``
      : "nothing changed: the files already hold these settings",
  );
  if (result.auth === "oidc") {
    ctx.logger.info(
      "the profile signs with a session token: run the OCI CLI with OCI_CLI_AUTH=security_token",
    );
  }
  return { outputs: fnContextOutputs(result) };
};
