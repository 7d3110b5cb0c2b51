/**
 * The statement that lets API gateways in one compartment invoke the functions of another, in the form
 * Oracle documents (https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewaycreatingpolicies.htm),
 * written for a policy attached to the tenancy (root compartment): the functions' compartment is named
 * by its path from the root, so the statement works wherever in the tree it sits.
 */
export function gatewayInvokeStatement(
  functionPath: { id: string; name: string }[],
  gatewayCompartmentId: string,
): string {
  const below = functionPath.slice(1).map((compartment) => compartment.name);
  const location = below.length === 0 ? "tenancy" : `compartment ${below.join(":")}`;
  return `ALLOW any-user to use functions-family in ${location} where ALL {request.principal.type = 'ApiGateway', request.resource.compartment.id = '${gatewayCompartmentId}'}`;
}

/** The OCI CLI command that creates that policy in the tenancy. */
export function gatewayInvokePolicyCommand(tenancyId: string, statement: string): string {
  const statements = JSON.stringify([statement]).replace(/'/g, "'\\''");
  return `oci iam policy create --compartment-id ${tenancyId} --name fngate-apigateway-invokes-functions --description "API Gateway may invoke functions" --statements '${statements}'`;
}
