import type { FunctionsManagementClient } from "oci-functions";
import { UserError } from "../../errors.ts";
import { carriesRunLabel } from "../../run-label.ts";
import { explainApiFailure, explainedCall, POLICY_HINT, unlessGone } from "../oci-api-failure.ts";
import { requireStillLabelled } from "../still-labelled.ts";
import { type OciWait, pollOciUntil } from "../wait-backoff.ts";
import { type ApplicationRef, findApplication, liveApplications } from "./application-lookup.ts";

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
    try {
      for await (const fn of management.listFunctionsRecordIterator({ applicationId: application.id })) {
        if (GONE.has(String(fn.lifecycleState)) || !carriesRunLabel(fn.freeformTags, runLabel)) continue;
        found.push({ id: fn.id, displayName: fn.displayName ?? fn.id, application: application.displayName });
      }
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
  for await (const summary of liveApplications(management, compartmentId)) {
    applications.push({
      id: summary.id,
      displayName: summary.displayName ?? summary.id,
      compartmentId: summary.compartmentId ?? compartmentId,
    });
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
  const read = await readUnlessGone(management, fn);
  if (!read || GONE.has(String(read.function.lifecycleState))) return false;
  requireStillLabelled(`function ${fn.displayName} (${fn.id})`, read.function.freeformTags, runLabel);
  const deleted = await explainedCall(
    () => unlessGone(() => management.deleteFunction({ functionId: fn.id, ifMatch: read.etag })),
    `deleting function ${fn.displayName} (${fn.id})`,
    "The user's group may not manage functions-family in its compartment.",
  );
  return deleted !== undefined;
}

function readUnlessGone(management: FunctionsManagementClient, fn: LabelledFunction) {
  return explainedCall(
    () => unlessGone(() => management.getFunction({ functionId: fn.id })),
    `reading function ${fn.displayName} (${fn.id})`,
    POLICY_HINT,
  );
}

/** Polls until the function is DELETED (or no longer found). */
export async function waitForFunctionDeleted(
  management: FunctionsManagementClient,
  fn: LabelledFunction,
  options: OciWait,
): Promise<void> {
  let state = "DELETING";
  await pollOciUntil(
    async () => {
      const read = await readUnlessGone(management, fn);
      if (!read) return true;
      state = String(read.function.lifecycleState);
      if (state === "DELETED") return true;
      if (state !== "DELETING") {
        throw new UserError(
          `function ${fn.displayName} (${fn.id}) is ${state} instead of being deleted: check it in the console, then run teardown again.`,
        );
      }
      return undefined;
    },
    options,
    () => `waiting for function ${fn.displayName} to be deleted (still ${state})`,
    (seconds) =>
      `function ${fn.displayName} (${fn.id}) is still ${state} after ${seconds} s: run teardown again later to confirm it is gone.`,
  );
}
