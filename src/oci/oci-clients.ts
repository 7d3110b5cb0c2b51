import { ArtifactsClient } from "oci-artifacts";
import { NoRetryConfigurationDetails } from "oci-common";
import { FunctionsInvokeClient, FunctionsManagementClient } from "oci-functions";
import type { OciClientOptions } from "./call-options.ts";
import { profileClients } from "./profile-clients.ts";

export type { OciClientOptions, OciProfile } from "./call-options.ts";

export interface FunctionsClients {
  /** The profile's tenancy (root compartment) OCID. */
  tenancyId: string;
  management: FunctionsManagementClient;
  artifacts: ArtifactsClient;
  /** A client for one function's invoke endpoint. */
  invoker(invokeEndpoint: string): FunctionsInvokeClient;
  close(): void;
}

/**
 * The Functions management, Artifacts and invoke clients, authenticated from the configuration file
 * the way every OCI tool reads it. Their region comes from the profile unless the endpoint is overridden.
 */
export function functionsClients(options: OciClientOptions): FunctionsClients {
  const clients = profileClients(options, 60);
  return {
    tenancyId: clients.provider.getTenantId(),
    management: clients.make(FunctionsManagementClient),
    artifacts: clients.make(ArtifactsClient),
    // An invoke runs the function: retrying it could run it twice, and a 502 image-pull failure
    // will not heal by itself, so it is made exactly once.
    invoker: (invokeEndpoint) =>
      clients.make(FunctionsInvokeClient, {
        retryConfiguration: NoRetryConfigurationDetails,
        endpoint: invokeEndpoint,
      }),
    close: () => clients.close(),
  };
}
