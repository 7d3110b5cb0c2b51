import { DeploymentClient, WorkRequestsClient } from "oci-apigateway";
import type { OciClientOptions } from "../call-options.ts";
import { profileClients } from "../profile-clients.ts";

export interface GatewayClients {
  deployments: DeploymentClient;
  workRequests: WorkRequestsClient;
  close(): void;
}

/**
 * The API Gateway deployment and work request clients, authenticated from the profile fn-context wrote.
 * Kept apart from functionsClients so that gateway-deploy loads only the API Gateway SDK.
 */
export function gatewayClients(options: OciClientOptions): GatewayClients {
  const clients = profileClients(options, 60);
  return {
    deployments: clients.make(DeploymentClient),
    workRequests: clients.make(WorkRequestsClient),
    close: () => clients.close(),
  };
}
