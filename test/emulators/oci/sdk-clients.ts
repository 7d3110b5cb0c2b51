// Real oci-sdk clients pointed at an emulator, plus throwaway API keys for them. Tests use these
// instead of mocks: whatever the SDK does on the wire (signing, retries, error parsing) happens.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import * as common from "oci-common";
import * as identity from "oci-identity";
import * as objectstorage from "oci-objectstorage";

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

export function ociClients(url: string, who: ApiKeyIdentity) {
  const provider = new common.SimpleAuthenticationDetailsProvider(
    who.tenancyId,
    who.userId,
    who.fingerprint,
    who.privateKeyPem,
    null,
  );
  // Setting endpoint after construction is what FNGATE_OCI_ENDPOINT does in src/ too; the
  // Identity client appends its /20160918 version prefix itself.
  const objectStorage = new objectstorage.ObjectStorageClient({ authenticationDetailsProvider: provider });
  objectStorage.endpoint = url;
  const identityClient = new identity.IdentityClient({ authenticationDetailsProvider: provider });
  identityClient.endpoint = url;
  return { objectStorage, identity: identityClient };
}
