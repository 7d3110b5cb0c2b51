import type { FunctionsManagementClient, models } from "oci-functions";
import { explainApiFailure, explainedCall, hasStatus, POLICY_HINT } from "../oci-api-failure.ts";
import { type OciWait, waitUntilActive } from "../wait-backoff.ts";
import {
  changedSettings,
  deployedSettings,
  type FunctionSettings,
  type SettingName,
} from "./function-changes.ts";

export interface DesiredFunction extends FunctionSettings {
  applicationId: string;
  displayName: string;
  /** The tag reference; imageDigest pins what runs. */
  image: string;
  /** Set on create only: an update leaves the function's tags as they are (see run-label.ts). */
  createTags?: Record<string, string>;
}

export interface AppliedFunction {
  fn: models.Function;
  /** "created", "updated" or "unchanged". */
  action: "created" | "updated" | "unchanged";
  changed: SettingName[];
  /**
   * What the function ran before this call, read where the update reads it anyway (no extra call):
   * what a rollback restores. Absent when this call created the function.
   */
  previous?: PreviousFunction;
}

/** A function's managed settings as GetFunction showed them, and the etag of that read. */
export interface PreviousFunction {
  settings: Partial<FunctionSettings>;
  etag: string;
}

/** A concurrent writer can change the etag between our read and our write; re-read this often. */
const MAX_PRECONDITION_RETRIES = 3;

/**
 * Creates the function, or updates exactly the settings that differ. With nothing different it makes
 * no mutating call at all, so a re-run changes nothing. Updates carry the etag just read (if-match):
 * a 412 means someone else wrote in between, so the function is read again and compared afresh.
 */
export async function applyFunction(
  management: FunctionsManagementClient,
  desired: DesiredFunction,
  /** The function looked up by name already (findFunctionId), while the image was pushed. */
  found?: Promise<string | undefined>,
): Promise<AppliedFunction> {
  const settings = {
    image: desired.image,
    imageDigest: desired.imageDigest,
    memoryInMBs: desired.memoryInMBs,
    timeoutInSeconds: desired.timeoutInSeconds,
    config: desired.config,
  };
  let existingId = await (found ?? findFunctionId(management, desired.applicationId, desired.displayName));
  if (existingId === undefined) {
    try {
      const { function: fn } = await management.createFunction({
        createFunctionDetails: {
          applicationId: desired.applicationId,
          displayName: desired.displayName,
          ...settings,
          ...(desired.createTags ? { freeformTags: desired.createTags } : {}),
        },
      });
      return { fn, action: "created", changed: ["imageDigest", "memoryInMBs", "timeoutInSeconds", "config"] };
    } catch (error) {
      // CreateFunction takes no retry token: when the SDK retried a create that had in fact succeeded
      // (or another run created it meanwhile), the function now exists and is compared like any other.
      existingId = hasStatus(error, 409)
        ? await findFunctionId(management, desired.applicationId, desired.displayName)
        : undefined;
      if (existingId === undefined) {
        throw explainApiFailure(
          error,
          `creating function ${desired.displayName}`,
          "The application disappeared, or the user's group may not manage functions-family in its compartment.",
        );
      }
    }
  }
  for (let attempt = 0; ; attempt++) {
    const { fn, etag } = await readFunction(management, existingId);
    const current = deployedSettings(fn);
    const previous = { settings: current, etag };
    const changed = changedSettings(current, desired);
    if (changed.length === 0) return { fn, action: "unchanged", changed, previous };
    try {
      const updated = await management.updateFunction({
        functionId: existingId,
        updateFunctionDetails: settings,
        ifMatch: etag,
      });
      return { fn: updated.function, action: "updated", changed, previous };
    } catch (error) {
      if (hasStatus(error, 412) && attempt < MAX_PRECONDITION_RETRIES) continue;
      throw explainApiFailure(error, `updating function ${desired.displayName} (${existingId})`, POLICY_HINT);
    }
  }
}

export async function readFunction(
  management: FunctionsManagementClient,
  functionId: string,
): Promise<{ fn: models.Function; etag: string }> {
  const { function: fn, etag } = await explainedCall(
    () => management.getFunction({ functionId }),
    `reading function ${functionId}`,
    POLICY_HINT,
  );
  return { fn, etag };
}

/** The function with exactly this name in the application, looked up across every page. */
export async function findFunctionId(
  management: FunctionsManagementClient,
  applicationId: string,
  displayName: string,
): Promise<string | undefined> {
  try {
    for await (const fn of management.listFunctionsRecordIterator({ applicationId, displayName })) {
      if (fn.displayName === displayName && fn.lifecycleState !== "DELETED") return fn.id;
    }
  } catch (error) {
    throw explainApiFailure(error, `listing functions of application ${applicationId}`, POLICY_HINT);
  }
  return undefined;
}

/** Polls until the function is ACTIVE; FAILED is reported with OCI's own lifecycle details. */
export function waitForActive(
  management: FunctionsManagementClient,
  functionId: string,
  options: OciWait,
): Promise<models.Function> {
  const read = async () => (await readFunction(management, functionId)).fn;
  return waitUntilActive({ kind: "function", id: functionId, read }, options, {
    failed: " Check the image and the application's subnet, then deploy again.",
    timedOut: ", or deploy again later",
  });
}
