// Real oci-sdk clients pointed at an emulator, plus throwaway API keys for them. Tests use these
// instead of mocks: whatever the SDK does on the wire (signing, retries, error parsing) happens.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import * as apigateway from "oci-apigateway";
import * as artifacts from "oci-artifacts";
import * as common from "oci-common";
import * as functions from "oci-functions";
import * as identity from "oci-identity";
import * as objectstorage from "oci-objectstorage";
import type { OciState, Tenancy } from "./state.ts";

export interface TestKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
  privateKey: KeyObject;
}

/** A fresh RSA 2048 key pair (OCI's minimum); generated per run, never stored. */
export function newApiKeyPair(): TestKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    privateKey,
  };
}

/** What an ~/.oci/config profile holds, minus the region. */
export interface ApiKeyIdentity {
  tenancyId: string;
  userId: string;
  fingerprint: string;
  privateKeyPem: string;
}

function providerFor(who: ApiKeyIdentity): common.SimpleAuthenticationDetailsProvider {
  return new common.SimpleAuthenticationDetailsProvider(
    who.tenancyId,
    who.userId,
    who.fingerprint,
    who.privateKeyPem,
    null,
  );
}

export function ociClients(url: string, who: ApiKeyIdentity) {
  const provider = providerFor(who);
  // Setting endpoint after construction is what FNGATE_OCI_ENDPOINT does in src/ too; the
  // Identity client appends its /20160918 version prefix itself.
  const objectStorage = new objectstorage.ObjectStorageClient({ authenticationDetailsProvider: provider });
  objectStorage.endpoint = url;
  const identityClient = new identity.IdentityClient({ authenticationDetailsProvider: provider });
  identityClient.endpoint = url;
  return { objectStorage, identity: identityClient };
}

/**
 * Functions management and Artifacts clients. Like the others they append their API version
 * (/20181201, /20160918) to the endpoint themselves.
 */
export function functionsClients(url: string, who: ApiKeyIdentity) {
  const provider = providerFor(who);
  const management = new functions.FunctionsManagementClient({ authenticationDetailsProvider: provider });
  management.endpoint = url;
  const artifactsClient = new artifacts.ArtifactsClient({ authenticationDetailsProvider: provider });
  artifactsClient.endpoint = url;
  return { management, artifacts: artifactsClient };
}

/** API Gateway clients (deployments, gateways, work requests); they append /20190501 themselves. */
export function apiGatewayClients(url: string, who: ApiKeyIdentity) {
  const provider = providerFor(who);
  const deployment = new apigateway.DeploymentClient({ authenticationDetailsProvider: provider });
  deployment.endpoint = url;
  const gateway = new apigateway.GatewayClient({ authenticationDetailsProvider: provider });
  gateway.endpoint = url;
  const workRequests = new apigateway.WorkRequestsClient({ authenticationDetailsProvider: provider });
  workRequests.endpoint = url;
  return { deployment, gateway, workRequests };
}

/** An invoke client for one function, pointed at its invokeEndpoint as the OCI docs prescribe. */
export function invokeClient(invokeEndpoint: string, who: ApiKeyIdentity): functions.FunctionsInvokeClient {
  const client = new functions.FunctionsInvokeClient({ authenticationDetailsProvider: providerFor(who) });
  client.endpoint = invokeEndpoint;
  return client;
}

/** A fresh tenancy with one API-key user, and the identity the SDK clients need to act as it. */
export function seedApiKeyCaller(
  state: OciState,
  tenancyName?: string,
): { tenancy: Tenancy; me: ApiKeyIdentity } {
  const tenancy = state.createTenancy(tenancyName ? { name: tenancyName } : {});
  const keys = newApiKeyPair();
  const user = state.createUser({ tenancyId: tenancy.id, publicKeyPem: keys.publicKeyPem });
  return {
    tenancy,
    me: {
      tenancyId: tenancy.id,
      userId: user.id,
      fingerprint: user.fingerprint,
      privateKeyPem: keys.privateKeyPem,
    },
  };
}
