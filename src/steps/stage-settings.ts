import type { FnDeployInputs } from "./fn-deploy.ts";
import type { GatewayDeployInputs } from "./gateway-deploy.ts";

/**
 * What the user gives a stage, apart from what an earlier stage or step hands over. The OCI profile
 * is fn-context's (or an earlier step's) for both; in the pipeline the function's OCID comes from
 * fn-deploy, so gateway settings carry functionId only when fn-deploy is skipped.
 */
export type FnDeploySettings = Omit<FnDeployInputs, "ociProfile">;
export type GatewaySettings = Omit<GatewayDeployInputs, "ociProfile">;
