import { readOcirLoginInputs } from "../../inputs/ocir-login.ts";
import type { OcirCleanup } from "../../steps/ocir-login.ts";
import { ocirLoginOutputs } from "../../steps/outputs/ocir-login.ts";
import { dockerTools } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, host, tools, ctx, cleanup }) => {
  const inputs = readOcirLoginInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { ocirLogin } = await import("../../steps/ocir-login.ts");
  let recorded: OcirCleanup | undefined;
  const result = await ocirLogin(inputs, ctx, await dockerTools(tools), {
    // On disk before docker login runs: a login killed mid-way is still undone by `fngate cleanup`.
    onCleanup: (next) => {
      if (next) cleanup.putOcirLogin(next);
      else if (recorded) cleanup.removeOcirLogin(recorded);
      recorded = next;
    },
  });
  return { outputs: ocirLoginOutputs(result) };
};
