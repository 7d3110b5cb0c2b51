import type { PolicyRecord } from "../emulators/oci/identity-store.ts";
import type { OciState } from "../emulators/oci/state.ts";

/**
 * Seeds the IAM policy a real tenancy needs before an API gateway can call a function: Oracle's
 * documented statement, attached to the tenancy, for the functions' compartment (named by its path
 * from the root) and the gateways' compartment. Without it the gateway emulator answers 500.
 * https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewaycreatingpolicies.htm
 */
export function seedGatewayFunctionsPolicy(
  state: OciState,
  functionsCompartmentId: string,
  gatewayCompartmentId = functionsCompartmentId,
): PolicyRecord {
  const path = state.iam.pathOf(functionsCompartmentId);
  const root = path?.[0];
  if (!path || !root) throw new Error(`unknown compartment ${functionsCompartmentId}`);
  const below = path.slice(1).map((compartment) => compartment.name);
  const location = below.length === 0 ? "tenancy" : `compartment ${below.join(":")}`;
  return state.iam.createPolicy({
    compartmentId: root.id,
    name: `apigw-functions-${state.iam.policies.size + 1}`,
    statements: [
      `ALLOW any-user to use functions-family in ${location} where ALL {request.principal.type= 'ApiGateway', request.resource.compartment.id = '${gatewayCompartmentId}'}`,
    ],
  });
}
