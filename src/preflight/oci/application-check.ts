import type { FunctionsManagementClient } from "oci-functions";
import { nearMatches } from "../../oci/near-matches.ts";
import { parseOcid } from "../../oci/ocid.ts";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";
import { callFailure, isNotVisible } from "./call-failure.ts";

export const APPLICATION = "Functions application";

export interface FoundApplication {
  id: string;
  displayName: string;
  compartmentId: string;
}

const CREATE =
  "create it with a subnet: Console → Developer Services → Functions → Applications → Create application, or oci fn application create --compartment-id <compartment OCID> --display-name <name> --subnet-ids '[\"<subnet OCID>\"]'";

/**
 * The application fn-deploy will deploy into: by OCID, or by exact name among every application of the
 * compartment (all pages). fn-deploy cannot create it (it needs a subnet), so a miss blocks.
 */
export async function checkApplication(
  functions: FunctionsManagementClient,
  application: string,
  compartmentId: string | undefined,
): Promise<{ row: CheckRow; found?: FoundApplication }> {
  try {
    const app = parseOcid(application)
      ? (await functions.getApplication({ applicationId: application })).application
      : await findByName(functions, application, compartmentId);
    if (typeof app === "string") return { row: missing(APPLICATION, app, CREATE, true) };
    const found = {
      id: app.id,
      displayName: app.displayName ?? application,
      compartmentId: app.compartmentId ?? "",
    };
    if (app.lifecycleState !== "ACTIVE") {
      return {
        row: missing(
          APPLICATION,
          `${app.displayName} is ${app.lifecycleState}`,
          `wait until it is ACTIVE, or ${CREATE}`,
          true,
        ),
      };
    }
    const subnets = app.subnetIds ?? [];
    // Whether the subnets route to OCIR (a private subnet needs a service gateway) is not checked.
    return {
      row: ok(
        APPLICATION,
        `${app.displayName} (ACTIVE, ${app.shape ?? "GENERIC_X86"}) with subnet${subnets.length === 1 ? "" : "s"} ${subnets.join(", ") || "(none listed)"}`,
      ),
      found,
    };
  } catch (error) {
    if (isNotVisible(error)) {
      return {
        row: cannotTell(
          APPLICATION,
          `${application} answered ${callFailure(error)}: it does not exist here, or the user's group may not read functions-family`,
          "Allow group <your group> to manage functions-family in compartment <name>",
        ),
      };
    }
    return { row: cannotTell(APPLICATION, `looking up ${application} failed: ${callFailure(error)}`) };
  }
}

type ApplicationModel = Awaited<ReturnType<FunctionsManagementClient["getApplication"]>>["application"];

async function findByName(
  functions: FunctionsManagementClient,
  name: string,
  compartmentId: string | undefined,
): Promise<ApplicationModel | string> {
  if (!compartmentId)
    return `application ${JSON.stringify(name)} is a name, and no compartment-ocid says where to look`;
  const names: string[] = [];
  let page: string | undefined;
  do {
    const response = await functions.listApplications({ compartmentId, ...(page ? { page } : {}) });
    for (const summary of response.items) {
      if (summary.lifecycleState === "DELETED" || summary.lifecycleState === "DELETING") continue;
      if (summary.displayName === name) {
        return (await functions.getApplication({ applicationId: summary.id })).application;
      }
      if (summary.displayName) names.push(summary.displayName);
    }
    page = response.opcNextPage || undefined;
  } while (page);
  const near = names.length > 0 ? `; closest names: ${nearMatches(name, names).join(", ")}` : "";
  return `no application named ${JSON.stringify(name)} in compartment ${compartmentId}${near}`;
}
