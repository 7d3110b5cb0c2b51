import { getInputs } from "../../inputs/gateway-deploy.ts";
import { deployGateway } from "../../steps/gateway-deploy.ts";
import type { CommandRunner } from "../command.ts";
import { requireCliOciProfile } from "../oci-profile.ts";

export const run: CommandRunner = async ({ read, ctx, env }) => {
  const result = await deployGateway(getInputs(read, requireCliOciProfile(env, ctx.homeDir)), ctx);
  return {
    outputs: {
      "deployment-id": result.deploymentId,
      endpoint: result.endpoint,
      url: result.url,
      changed: String(result.changed),
      issuers: result.issuers.join("\n"),
      audiences: result.audiences.join("\n"),
    },
  };
};
