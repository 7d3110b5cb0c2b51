import { planFunction, repositoryPath } from "../oci/functions/deploy-plan.ts";
import { readAuth } from "../oci/gateway/gateway-auth-input.ts";
import { planGatewayDeploy, planGatewaySettings } from "../oci/gateway/gateway-plan.ts";
import { readRouteShorthand } from "../oci/gateway/gateway-routes-input.ts";
import { parseRegistryPrefix } from "../oci/registry/image-reference.ts";
import type { StepContext } from "../step-context.ts";
import { checkEntraTokenInputs } from "./entra-token.ts";
import type { PipelineStages } from "./pipeline-preflight.ts";

/**
 * Runs every stage's checks that need no call, so a bad input of a late stage (a gateway route, a
 * token scope) fails the run before the first stage has changed anything. What a later stage gets
 * from an earlier one is not checked here (it is checked when the stage runs): the registry that
 * ocir-login names, the function fn-deploy makes. Returns the OCIR repository fn-deploy will push to,
 * for preflight.
 */
export async function checkBeforeAnyStage(
  inputs: PipelineStages,
  ctx: StepContext,
): Promise<{ repository: string | undefined }> {
  let repository: string | undefined;
  if (inputs.fnDeploy) {
    const plan = await planFunction(inputs.fnDeploy, {
      homeDir: ctx.homeDir,
      workspaceDir: ctx.workspaceDir,
      registerSecret: (value) => ctx.secrets.register(value),
      warn: () => {},
    });
    const { registry } = inputs.fnDeploy;
    const prefix = registry === undefined ? undefined : parseRegistryPrefix(registry, "registry").prefix;
    if (plan.source) repository = repositoryPath(prefix, plan.source.repositoryName);
  }
  if (inputs.gateway) {
    if (inputs.fnDeploy) {
      // The route's function is the one fn-deploy makes: everything else about the route is checked.
      planGatewaySettings(inputs.gateway);
      readRouteShorthand(inputs.gateway);
      readAuth(inputs.gateway);
    } else {
      planGatewayDeploy(inputs.gateway);
    }
  }
  if (inputs.entra) checkEntraTokenInputs(inputs.entra);
  return { repository };
}
