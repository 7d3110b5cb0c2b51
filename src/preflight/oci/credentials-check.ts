import type { ObjectStorageClient } from "oci-objectstorage";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";
import { callFailure, isUnauthenticated } from "./call-failure.ts";

export const CREDENTIALS = "OCI credentials sign";

/**
 * One signed call that needs no IAM policy (the Object Storage namespace): a 401 means the key, user,
 * fingerprint or tenancy are wrong, and every other check would fail the same way.
 */
export async function checkCredentials(
  objectStorage: ObjectStorageClient,
): Promise<{ row: CheckRow; signs: boolean }> {
  try {
    const namespace = (await objectStorage.getNamespace({})).value;
    return { row: ok(CREDENTIALS, `signed call accepted (tenancy namespace ${namespace})`), signs: true };
  } catch (error) {
    if (isUnauthenticated(error)) {
      return {
        row: missing(
          CREDENTIALS,
          "OCI refused the signature (401 NotAuthenticated): the key, its fingerprint, the user or the tenancy do not belong together, or the session expired",
          "run fn-context with verify: true (it names which of user-ocid, tenancy-ocid, fingerprint and private-key is wrong), or upload the public key: Console → Identity & Security → Users → <user> → API keys → Add API key",
          true,
        ),
        signs: false,
      };
    }
    return {
      row: cannotTell(
        CREDENTIALS,
        `the signed call got no answer (${callFailure(error)})`,
        "check FNGATE_OCI_ENDPOINT, the region and any proxy",
      ),
      signs: false,
    };
  }
}
