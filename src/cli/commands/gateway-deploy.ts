import { getInputs } from "../../github/gateway-deploy/inputs.ts";
import { deployGateway } from "../../steps/gateway-deploy.ts";
import type { CliCommand } from "../command.ts";
import { requireCliOciProfile } from "../oci-profile.ts";

export const gatewayDeployCommand: CliCommand = {
  name: "gateway-deploy",
  action: "gateway-deploy",
  summary: "put functions behind an API Gateway deployment that demands a valid token (remote JWKS)",
  async run({ read, ctx, env }) {
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
  },
};
