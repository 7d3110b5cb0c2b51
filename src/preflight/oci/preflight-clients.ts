import { GatewayClient } from "oci-apigateway";
import { ArtifactsClient } from "oci-artifacts";
import { FunctionsManagementClient } from "oci-functions";
import { IdentityClient } from "oci-identity";
import { ObjectStorageClient } from "oci-objectstorage";
import type { OciClientOptions } from "../../oci/call-options.ts";
import { profileClients } from "../../oci/profile-clients.ts";

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
  const clients = profileClients(options, RETRY_SECONDS);
  return {
    tenancyId: clients.provider.getTenantId(),
    identity: clients.make(IdentityClient),
    functions: clients.make(FunctionsManagementClient),
    artifacts: clients.make(ArtifactsClient),
    gateways: clients.make(GatewayClient),
    objectStorage: clients.make(ObjectStorageClient),
    close: () => clients.close(),
  };
}
