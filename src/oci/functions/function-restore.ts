import type { FunctionsManagementClient } from "oci-functions";
import { explainApiFailure, explainedCall, hasStatus, POLICY_HINT } from "../oci-api-failure.ts";
import type { OciWait } from "../wait-backoff.ts";
import type { FunctionSettings } from "./function-changes.ts";
import { readFunction, waitForActive } from "./functions-api.ts";
import { waitForFunctionDeleted } from "./labelled-functions.ts";

/** Another writer may change the function between our read and our write; re-read this often. */
const MAX_PRECONDITION_RETRIES = 3;

/**
 * Puts back the settings a function had before a deploy (its image pinned by the previous digest,
 * memory, timeout, config), then waits until it is ACTIVE on them. The update carries the etag read
 * just before it (if-match). The previous digest is given explicitly: without it OCI would take the
 * digest the tag names now, which may be the broken build's
 * (https://docs.cloud.oracle.com/iaas/Content/Functions/Tasks/functionsupdatingfunctions-about.htm,
 * "Notes About Image Digests").
 */
export async function restoreFunction(
  management: FunctionsManagementClient,
  functionId: string,
  previous: Partial<FunctionSettings>,
  wait: OciWait,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { etag } = await readFunction(management, functionId);
    try {
      await management.updateFunction({
        functionId,
        updateFunctionDetails: { ...previous },
        ifMatch: etag,
      });
      break;
    } catch (error) {
      if (hasStatus(error, 412) && attempt < MAX_PRECONDITION_RETRIES) continue;
      throw explainApiFailure(error, `restoring function ${functionId}`, POLICY_HINT);
    }
  }
  await waitForActive(management, functionId, wait);
}

/** Deletes a function this run created (with the etag just read) and waits until it is gone. */
export async function deleteFunction(
  management: FunctionsManagementClient,
  fn: { id: string; displayName: string },
  wait: OciWait,
): Promise<void> {
  const { etag } = await readFunction(management, fn.id);
  await explainedCall(
    () => management.deleteFunction({ functionId: fn.id, ifMatch: etag }),
    `deleting function ${fn.displayName} (${fn.id})`,
    POLICY_HINT,
  );
  await waitForFunctionDeleted(management, { ...fn, application: "" }, wait);
}
