import type { GatewayClient } from "oci-apigateway";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";
import { callFailure, isNotVisible } from "./call-failure.ts";

export const GATEWAY = "API gateway";

export interface FoundGateway {
  id: string;
  compartmentId: string;
}

/** The gateway gateway-deploy deploys onto: it must exist, be visible, and be ACTIVE. */
export async function checkGateway(
  gateways: GatewayClient,
  gatewayId: string,
): Promise<{ row: CheckRow; found?: FoundGateway }> {
  try {
    const { gateway } = await gateways.getGateway({ gatewayId });
    const found = { id: gateway.id, compartmentId: gateway.compartmentId };
    if (gateway.lifecycleState !== "ACTIVE") {
      return {
        row: missing(
          GATEWAY,
          `${gateway.displayName} is ${gateway.lifecycleState}${gateway.lifecycleDetails ? ` (${gateway.lifecycleDetails})` : ""}; deployments need an ACTIVE gateway`,
          "wait for it to become ACTIVE, or create one: Console → Developer Services → API Management → Gateways → Create gateway",
          true,
        ),
        found,
      };
    }
    return { row: ok(GATEWAY, `${gateway.displayName} (ACTIVE, ${gateway.hostname})`), found };
  } catch (error) {
    if (isNotVisible(error)) {
      return {
        row: missing(
          GATEWAY,
          `GetGateway ${gatewayId} answered ${callFailure(error)}: it does not exist in this region, or the user's group may not use it`,
          "check gateway-ocid and the region; the deployer needs: Allow group <your group> to manage api-gateway-family in compartment <the gateway's compartment>",
          true,
        ),
      };
    }
    return { row: cannotTell(GATEWAY, `GetGateway ${gatewayId} failed: ${callFailure(error)}`) };
  }
}
