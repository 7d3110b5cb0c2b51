import { ArtifactsClient } from "oci-artifacts";
import { NoRetryConfigurationDetails } from "oci-common";
import { FunctionsInvokeClient, FunctionsManagementClient } from "oci-functions";
import { profileAuthProvider } from "./auth/auth-provider.ts";
import { ociRetryConfiguration } from "./retry-policy.ts";

/** The OCI profile fn-context wrote (OCI_CLI_CONFIG_FILE and OCI_CLI_PROFILE). */
export interface OciProfile {
  configFile: string;
  profile: string;
}

export interface OciClientOptions extends OciProfile {
  /** Base URL serving every OCI API (FNGATE_OCI_ENDPOINT); the profile's region otherwise. */
  endpoint?: string;
  /** How long the SDK may keep retrying one call (429, 5xx, 409 IncorrectState). */
  retrySeconds?: number;
}

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
  const provider = profileAuthProvider(options.configFile, options.profile);
  const retryConfiguration = ociRetryConfiguration(options.retrySeconds ?? 60);
  const management = new FunctionsManagementClient(
    { authenticationDetailsProvider: provider },
    { retryConfiguration },
  );
  const artifacts = new ArtifactsClient({ authenticationDetailsProvider: provider }, { retryConfiguration });
  if (options.endpoint) {
    management.endpoint = options.endpoint;
    artifacts.endpoint = options.endpoint;
  }
  const invokers: FunctionsInvokeClient[] = [];
  return {
    tenancyId: provider.getTenantId(),
    management,
    artifacts,
    invoker: (invokeEndpoint) => {
      // An invoke runs the function: retrying it could run it twice, and a 502 image-pull failure
      // will not heal by itself, so it is made exactly once.
      const client = new FunctionsInvokeClient(
        { authenticationDetailsProvider: provider },
        { retryConfiguration: NoRetryConfigurationDetails },
      );
      client.endpoint = invokeEndpoint;
      invokers.push(client);
      return client;
    },
    close: () => {
      management.close();
      artifacts.close();
      for (const client of invokers) client.close();
    },
  };
}
