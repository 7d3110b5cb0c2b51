import { getInputs } from "../../github/fn-context/inputs.ts";
import { configureFnContext } from "../../steps/fn-context.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, ctx, cleanup }) => {
  const result = await configureFnContext(getInputs(read), ctx, {
    onRestorePlan: (plan) => cleanup.addFnContext(plan),
  });
  ctx.logger.info(
    result.changed.length > 0
      ? `wrote ${result.changed.length} file(s); undo with \`fngate cleanup\``
      : "nothing changed: the files already hold these settings",
  );
  return {
    outputs: {
      "config-file": result.configFile,
      profile: result.profile,
      "key-file": result.keyFile,
      "context-name": result.contextName,
      "api-url": result.apiUrl,
      region: result.region,
      fingerprint: result.fingerprint,
      registry: result.registry,
      changed: String(result.changed.length > 0),
      ...(result.namespace ? { namespace: result.namespace } : {}),
    },
  };
};
