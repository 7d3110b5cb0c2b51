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

type ClientClass<T> = new (params: {
  authenticationDetailsProvider: common.AuthenticationDetailsProvider;
}) => T;

/**
 * An SDK client acting as `who`, its endpoint set after construction as FNGATE_OCI_ENDPOINT does in
 * src/; each client appends its own API version (/20160918, /20181201, /20190501) to it.
 */
function clientAt<T extends { endpoint: string }>(
  Client: ClientClass<T>,
  url: string,
  who: ApiKeyIdentity,
): T {
  const client = new Client({ authenticationDetailsProvider: providerFor(who) });
  client.endpoint = url;
  return client;
}

export function ociClients(url: string, who: ApiKeyIdentity) {
  return {
    objectStorage: clientAt(objectstorage.ObjectStorageClient, url, who),
    identity: clientAt(identity.IdentityClient, url, who),
  };
}

/** Functions management and Artifacts clients. */
export function functionsClients(url: string, who: ApiKeyIdentity) {
  return {
    management: clientAt(functions.FunctionsManagementClient, url, who),
    artifacts: clientAt(artifacts.ArtifactsClient, url, who),
  };
}

/** API Gateway clients (deployments, gateways, work requests). */
export function apiGatewayClients(url: string, who: ApiKeyIdentity) {
  return {
    deployment: clientAt(apigateway.DeploymentClient, url, who),
    gateway: clientAt(apigateway.GatewayClient, url, who),
    workRequests: clientAt(apigateway.WorkRequestsClient, url, who),
  };
}

/** An invoke client for one function, pointed at its invokeEndpoint as the OCI docs prescribe. */
export function invokeClient(invokeEndpoint: string, who: ApiKeyIdentity): functions.FunctionsInvokeClient {
  return clientAt(functions.FunctionsInvokeClient, invokeEndpoint, who);
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
