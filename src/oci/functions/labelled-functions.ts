import type { FunctionsManagementClient } from "oci-functions";
import { UserError } from "../../errors.ts";
import { pollUntil } from "../../retry/backoff.ts";
import { carriesRunLabel, RUN_LABEL_KEY } from "../../run-label.ts";
import { explainApiFailure, hasStatus, POLICY_HINT } from "../oci-api-failure.ts";
import { OCI_WAIT_BACKOFF } from "../wait-backoff.ts";
import { type ApplicationRef, findApplication } from "./application-lookup.ts";

export interface LabelledFunction {
  id: string;
  displayName: string;
  application: string;
}

const GONE = new Set(["DELETING", "DELETED"]);

/**
 * The functions carrying the run label, in one application (name or OCID) or in every application of
 * the compartment, across every page. Functions being deleted, or deleted, are not listed.
 */
export async function findLabelledFunctions(
  management: FunctionsManagementClient,
  scope: { compartmentId: string; application?: string | undefined },
  runLabel: string,
): Promise<LabelledFunction[]> {
  const applications = scope.application
    ? [await findApplication(management, scope.application, scope.compartmentId)]
    : await listApplications(management, scope.compartmentId);
  const found: LabelledFunction[] = [];
  for (const application of applications) {
    let page: string | undefined;
    try {
      do {
        const response = await management.listFunctions({
          applicationId: application.id,
          ...(page ? { page } : {}),
        });
        for (const fn of response.items) {
          if (GONE.has(String(fn.lifecycleState)) || !carriesRunLabel(fn.freeformTags, runLabel)) continue;
          found.push({
            id: fn.id,
            displayName: fn.displayName ?? fn.id,
            application: application.displayName,
          });
        }
        page = response.opcNextPage || undefined;
      } while (page);
    } catch (error) {
      throw explainApiFailure(
        error,
        `listing functions of application ${application.displayName}`,
        POLICY_HINT,
      );
    }
  }
  return found;
}

async function listApplications(
  management: FunctionsManagementClient,
  compartmentId: string,
): Promise<ApplicationRef[]> {
  const applications: ApplicationRef[] = [];
  let page: string | undefined;
  try {
    do {
      const response = await management.listApplications({ compartmentId, ...(page ? { page } : {}) });
      for (const summary of response.items) {
        if (GONE.has(String(summary.lifecycleState))) continue;
        applications.push({
          id: summary.id,
          displayName: summary.displayName ?? summary.id,
          compartmentId: summary.compartmentId ?? compartmentId,
        });
      }
      page = response.opcNextPage || undefined;
    } while (page);
  } catch (error) {
    throw explainApiFailure(
      error,
      `listing applications in compartment ${compartmentId}`,
      "compartment-ocid is wrong, or the user's group may not read functions-family there.",
    );
  }
  return applications;
}

/**
 * Deletes one labelled function. It is read first and deleted with that read's etag (if-match), so a
 * function someone relabelled or changed in between is not deleted on the strength of an old listing.
 * Returns false when it was already gone.
 */
export async function deleteLabelledFunction(
  management: FunctionsManagementClient,
  fn: LabelledFunction,
  runLabel: string,
): Promise<boolean> {
  let etag: string;
  try {
    const response = await management.getFunction({ functionId: fn.id });
    if (GONE.has(String(response.function.lifecycleState))) return false;
    if (!carriesRunLabel(response.function.freeformTags, runLabel)) {
      throw new UserError(
        `function ${fn.displayName} (${fn.id}) no longer carries ${RUN_LABEL_KEY}=${runLabel}: it was changed while teardown ran, so it is left as it is; run teardown again.`,
      );
    }
    etag = response.etag;
  } catch (error) {
    if (hasStatus(error, 404)) return false;
    throw explainApiFailure(error, `reading function ${fn.displayName} (${fn.id})`, POLICY_HINT);
  }
  try {
    await management.deleteFunction({ functionId: fn.id, ifMatch: etag });
    return true;
  } catch (error) {
    if (hasStatus(error, 404)) return false;
    throw explainApiFailure(
      error,
      `deleting function ${fn.displayName} (${fn.id})`,
      "The user's group may not manage functions-family in its compartment.",
    );
  }
}

export interface DeletionWait {
  deadlineMs: number;
  signal?: AbortSignal | undefined;
  sleep?: (ms: number) => Promise<void>;
}

/** Polls until the function is DELETED (or no longer found). */
export async function waitForFunctionDeleted(
  management: FunctionsManagementClient,
  fn: LabelledFunction,
  options: DeletionWait,
): Promise<void> {
  let state = "DELETING";
  const { value } = await pollUntil(
    async () => {
      try {
        const { function: current } = await management.getFunction({ functionId: fn.id });
        state = String(current.lifecycleState);
      } catch (error) {
        if (hasStatus(error, 404)) return true;
        throw explainApiFailure(error, `reading function ${fn.displayName} (${fn.id})`, POLICY_HINT);
      }
      if (state === "DELETED") return true;
      if (state !== "DELETING") {
        throw new UserError(
          `function ${fn.displayName} (${fn.id}) is ${state} instead of being deleted: check it in the console, then run teardown again.`,
        );
      }
      return undefined;
    },
    {
      ...OCI_WAIT_BACKOFF,
      deadlineMs: options.deadlineMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      describe: () => `waiting for function ${fn.displayName} to be deleted (still ${state})`,
    },
  );
  if (!value) {
    throw new UserError(
      `function ${fn.displayName} (${fn.id}) is still ${state} after ${Math.round(options.deadlineMs / 1000)} s: run teardown again later to confirm it is gone.`,
    );
  }
}
