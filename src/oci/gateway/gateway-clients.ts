import { DeploymentClient, WorkRequestsClient } from "oci-apigateway";
import { profileAuthProvider } from "../auth/auth-provider.ts";
import type { OciClientOptions } from "../oci-clients.ts";
import { ociRetryConfiguration } from "../retry-policy.ts";

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
  const provider = profileAuthProvider(options.configFile, options.profile);
  const retryConfiguration = ociRetryConfiguration(options.retrySeconds ?? 60);
  const deployments = new DeploymentClient(
    { authenticationDetailsProvider: provider },
    { retryConfiguration },
  );
  const workRequests = new WorkRequestsClient(
    { authenticationDetailsProvider: provider },
    { retryConfiguration },
  );
  if (options.endpoint) {
    deployments.endpoint = options.endpoint;
    workRequests.endpoint = options.endpoint;
  }
  return {
    deployments,
    workRequests,
    close: () => {
      deployments.close();
      workRequests.close();
    },
  };
}
