import type { FunctionsManagementClient } from "oci-functions";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";
import { callFailure, isNotVisible } from "./call-failure.ts";

export const FUNCTION = "function";

/** The function a route calls when fn-deploy does not run: it must exist; its compartment is where policies matter. */
export async function checkFunction(
  functions: FunctionsManagementClient,
  functionId: string,
): Promise<{ row: CheckRow; compartmentId?: string }> {
  try {
    const { function: fn } = await functions.getFunction({ functionId });
    const row =
      fn.lifecycleState === "ACTIVE"
        ? ok(FUNCTION, `${fn.displayName} (ACTIVE)`)
        : missing(
            FUNCTION,
            `${fn.displayName} is ${fn.lifecycleState}`,
            "deploy the function again (fn-deploy)",
            fn.lifecycleState !== "UPDATING" && fn.lifecycleState !== "CREATING",
          );
    return { row, ...(fn.compartmentId ? { compartmentId: fn.compartmentId } : {}) };
  } catch (error) {
    if (isNotVisible(error)) {
      return {
        row: missing(
          FUNCTION,
          `GetFunction ${functionId} answered ${callFailure(error)}: the route would call nothing`,
          "check function-id and the region (fn-deploy's function-id output), or grant: Allow group <your group> to use functions-family in compartment <name>",
          true,
        ),
      };
    }
    return { row: cannotTell(FUNCTION, `GetFunction ${functionId} failed: ${callFailure(error)}`) };
  }
}
