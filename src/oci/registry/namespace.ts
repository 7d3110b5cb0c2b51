import type { RetryConfiguration } from "oci-common";
import { ObjectStorageClient } from "oci-objectstorage";
import type { ProxyRefusal } from "../../step-context.ts";
import { profileAuthProvider } from "../auth/auth-provider.ts";
import { ociRetryConfiguration } from "../retry-policy.ts";

export interface NamespaceLookup {
  configFile: string;
  profile: string;
  regionId: string;
  /** Base URL serving every OCI API (FNGATE_OCI_ENDPOINT); the region's public endpoint otherwise. */
  endpoint?: string;
  deadlineSeconds?: number;
  signal?: AbortSignal;
  proxyRefusal?: () => ProxyRefusal | undefined;
}

/**
 * The cheapest signed call there is (GET /n): it needs no IAM policy, so a failure means the
 * credentials themselves are wrong. Reads the configuration file just written, the way every OCI tool
 * will, so success also proves the file is usable.
 */
export async function lookUpNamespace(lookup: NamespaceLookup): Promise<string> {
  const provider = profileAuthProvider(lookup.configFile, lookup.profile);
  const client = new ObjectStorageClient(
    { authenticationDetailsProvider: provider },
    { retryConfiguration: retries(lookup) },
  );
  try {
    if (lookup.endpoint) client.endpoint = lookup.endpoint;
    else client.regionId = lookup.regionId;
    const response = await client.getNamespace({});
    return response.value;
  } finally {
    client.close();
  }
}

function retries(lookup: NamespaceLookup): RetryConfiguration {
  return ociRetryConfiguration(lookup.deadlineSeconds ?? 20, lookup);
}
