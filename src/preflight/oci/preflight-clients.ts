import { GatewayClient } from "oci-apigateway";
import { ArtifactsClient } from "oci-artifacts";
import { FunctionsManagementClient } from "oci-functions";
import { IdentityClient } from "oci-identity";
import { ObjectStorageClient } from "oci-objectstorage";
import { profileAuthProvider } from "../../oci/auth/auth-provider.ts";
import type { OciClientOptions } from "../../oci/oci-clients.ts";
import { ociRetryConfiguration } from "../../oci/retry-policy.ts";

/** The read-only clients preflight calls, signed with the profile fn-context wrote. */
export interface PreflightClients {
  tenancyId: string;
  identity: IdentityClient;
  functions: FunctionsManagementClient;
  artifacts: ArtifactsClient;
  gateways: GatewayClient;
  objectStorage: ObjectStorageClient;
  close(): void;
}

// A check that cannot get an answer in this time is reported as "cannot tell", not waited for.
const RETRY_SECONDS = 20;

export function preflightClients(options: OciClientOptions): PreflightClients {
  const provider = profileAuthProvider(options.configFile, options.profile);
  const settings = { authenticationDetailsProvider: provider };
  const retryConfiguration = ociRetryConfiguration(options.retrySeconds ?? RETRY_SECONDS);
  const identity = new IdentityClient(settings, { retryConfiguration });
  const functions = new FunctionsManagementClient(settings, { retryConfiguration });
  const artifacts = new ArtifactsClient(settings, { retryConfiguration });
  const gateways = new GatewayClient(settings, { retryConfiguration });
  const objectStorage = new ObjectStorageClient(settings, { retryConfiguration });
  const all = [identity, functions, artifacts, gateways, objectStorage];
  if (options.endpoint) for (const client of all) client.endpoint = options.endpoint;
  return {
    tenancyId: provider.getTenantId(),
    identity,
    functions,
    artifacts,
    gateways,
    objectStorage,
    close: () => {
      for (const client of all) client.close();
    },
  };
}
