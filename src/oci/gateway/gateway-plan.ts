import { UserError } from "../../errors.ts";
import { runLabelTags } from "../../run-label.ts";
import type { OciProfile } from "../oci-clients.ts";
import { parseOcid, requireOcid } from "../ocid.ts";
import { type AuthInputs, type DesiredAuth, readAuth } from "./gateway-auth-input.ts";
import { checkPathPrefix, type DesiredRoute, readRoutes } from "./gateway-routes-input.ts";

/** gateway-deploy's inputs as the adapters read them: strings, checked by planGatewayDeploy. */
export interface GatewayDeployInputs extends AuthInputs {
  gatewayOcid: string;
  compartmentOcid?: string | undefined;
  /** Display name or OCID. */
  deployment: string;
  pathPrefix?: string | undefined;
  routes?: string | undefined;
  routePath?: string | undefined;
  routeMethods?: string | undefined;
  functionId?: string | undefined;
  prune: boolean;
  wait: boolean;
  ociProfile: OciProfile;
  /** Tags a deployment this run creates (fngate-run), so teardown finds it; checked by the adapter. */
  runLabel?: string | undefined;
}

export interface GatewayPlan {
  gatewayId: string;
  compartmentId: string | undefined;
  deployment: string;
  deploymentIsOcid: boolean;
  pathPrefix: string | undefined;
  routes: DesiredRoute[];
  auth: DesiredAuth | undefined;
  allowAnonymous: boolean;
  prune: boolean;
  wait: boolean;
  /** Set on create only: an update leaves the deployment's tags as they are. */
  createTags: Record<string, string> | undefined;
}

/** What planning reads: everything but the OCI profile, which only the calls need. */
export type GatewayPlanInputs = Omit<GatewayDeployInputs, "ociProfile">;

/** Every check that needs no call, so bad input fails with one line and nothing is changed. */
export function planGatewayDeploy(inputs: GatewayPlanInputs): GatewayPlan {
  const settings = planGatewaySettings(inputs);
  return { ...settings, routes: readRoutes(inputs), auth: readAuth(inputs) };
}

/**
 * Every check but the routes (which name the function each calls): the gateway, the deployment and
 * its path prefix. With readAuth and readRouteShorthand, the pipeline runs these before fn-deploy.
 */
export function planGatewaySettings(inputs: GatewayPlanInputs): Omit<GatewayPlan, "routes" | "auth"> {
  const gatewayId = requireOcid(inputs.gatewayOcid, "gateway-ocid", ["apigateway"]).value;
  const compartmentId =
    inputs.compartmentOcid === undefined
      ? undefined
      : requireOcid(inputs.compartmentOcid, "compartment-ocid", ["compartment", "tenancy"]).value;
  const deployment = inputs.deployment.trim();
  if (deployment === "") throw new UserError("deployment is required: a display name or a deployment OCID.");
  const ocid = parseOcid(deployment);
  if (deployment.startsWith("ocid1.") && ocid?.resourceType !== "apideployment") {
    requireOcid(deployment, "deployment", ["apideployment"]);
  }
  const deploymentIsOcid = ocid?.resourceType === "apideployment";
  if (!deploymentIsOcid && compartmentId === undefined) {
    throw new UserError(
      "compartment-ocid is required when deployment is a name: it is where the deployment is looked up and created.",
    );
  }
  return {
    gatewayId,
    compartmentId,
    deployment,
    deploymentIsOcid,
    pathPrefix: inputs.pathPrefix === undefined ? undefined : checkPathPrefix(inputs.pathPrefix),
    allowAnonymous: inputs.allowAnonymous,
    prune: inputs.prune,
    wait: inputs.wait,
    createTags: runLabelTags(inputs.runLabel),
  };
}
