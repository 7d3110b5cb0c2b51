import { ociCallOptions } from "../oci/call-options.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import { type CheckRow, cannotTell } from "../preflight/check-row.ts";
import type { StepContext } from "../step-context.ts";
import type { PreflightInputs } from "./preflight.ts";

/**
 * Preflight's OCI rows: first one signed call (unsigned, every other call would fail the same way, so
 * one row says why), then every check at once, each waiting only for what it needs (the repository
 * and the gateway policy for the functions' compartment, the policy for the gateway). The rows keep
 * their order: compartment, application or function, repository, gateway, policy.
 */
export async function ociRows(
  inputs: PreflightInputs,
  profile: OciProfile,
  ctx: StepContext,
): Promise<CheckRow[]> {
  const [{ preflightClients }, { checkCredentials }] = await Promise.all([
    import("../preflight/oci/preflight-clients.ts"),
    import("../preflight/oci/credentials-check.ts"),
  ]);
  const clients = preflightClients({ ...profile, ...ociCallOptions(ctx) });
  try {
    const credentials = await checkCredentials(clients.objectStorage);
    if (!credentials.signs) return [credentials.row];
    const [compartment, application, fn, repository, gateway, policy] = await Promise.all([
      import("../preflight/oci/compartment-check.ts"),
      import("../preflight/oci/application-check.ts"),
      import("../preflight/oci/function-check.ts"),
      import("../preflight/oci/repository-check.ts"),
      import("../preflight/oci/gateway-check.ts"),
      import("../preflight/oci/gateway-policy-check.ts"),
    ]);
    const { compartmentOcid, functionId, gatewayOcid } = inputs;
    const compartmentRow = compartmentOcid
      ? compartment
          .checkCompartment(clients.identity, compartmentOcid, clients.tenancyId)
          .then((c) => [c.row])
      : undefined;
    const functions = inputs.application
      ? application
          .checkApplication(clients.functions, inputs.application, compartmentOcid)
          .then((found) => ({ row: found.row, compartmentId: found.found?.compartmentId }))
      : functionId
        ? fn.checkFunction(clients.functions, functionId)
        : undefined;
    const name = inputs.repository;
    const repositoryRow = name
      ? (async () => {
          const where = compartmentOcid ?? (await functions)?.compartmentId;
          return [await repository.checkRepository(clients.artifacts, clients.tenancyId, name, where)];
        })()
      : undefined;
    const gatewayRows = gatewayOcid
      ? (async () => {
          const [found, functionsCompartment] = await Promise.all([
            gateway.checkGateway(clients.gateways, gatewayOcid),
            functions?.then((f) => f.compartmentId),
          ]);
          if (found.found && functionsCompartment) {
            const reaches = await policy.checkGatewayPolicy(
              clients.identity,
              clients.tenancyId,
              found.found,
              functionsCompartment,
            );
            return [found.row, reaches];
          }
          if (!functions) return [found.row];
          const unknown = found.found ? "the functions' compartment" : "the gateway";
          return [
            found.row,
            cannotTell(policy.GATEWAY_POLICY, `not checked: ${unknown} could not be found (see above)`),
          ];
        })()
      : undefined;
    const groups = await Promise.all([
      compartmentRow,
      functions?.then((f) => [f.row]),
      repositoryRow,
      gatewayRows,
    ]);
    return [credentials.row, ...groups.flatMap((rows) => rows ?? [])];
  } finally {
    clients.close();
  }
}
