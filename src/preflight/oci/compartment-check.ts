import type { IdentityClient } from "oci-identity";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";
import { callFailure, isNotVisible } from "./call-failure.ts";
import { type CompartmentNode, compartmentPath, pathName } from "./compartment-path.ts";

export const COMPARTMENT = "compartment";

/** The compartment of compartment-ocid, with its path from the tenancy; a 404 cannot be told apart. */
export async function checkCompartment(
  identity: IdentityClient,
  compartmentId: string,
  tenancyId: string,
): Promise<{ row: CheckRow; path?: CompartmentNode[] }> {
  try {
    const { path, state } = await compartmentPath(identity, compartmentId, tenancyId);
    if (state !== "ACTIVE") {
      return {
        row: missing(
          COMPARTMENT,
          `${pathName(path)} (${compartmentId}) is ${state}`,
          "set compartment-ocid to an ACTIVE compartment: Console → Identity & Security → Compartments",
          true,
        ),
      };
    }
    return { row: ok(COMPARTMENT, `${pathName(path)} (ACTIVE)`), path };
  } catch (error) {
    if (isNotVisible(error)) {
      return {
        row: cannotTell(
          COMPARTMENT,
          `GetCompartment ${compartmentId} answered ${callFailure(error)}: it does not exist, is in another tenancy, or the user may not inspect compartments`,
          "check compartment-ocid (Console → Identity & Security → Compartments → copy the OCID); to let preflight read it: Allow group <your group> to inspect compartments in tenancy",
        ),
      };
    }
    return { row: cannotTell(COMPARTMENT, `GetCompartment ${compartmentId} failed: ${callFailure(error)}`) };
  }
}
