import type { IdentityClient } from "oci-identity";

export interface CompartmentNode {
  id: string;
  name: string;
}

/** Compartments nest at most six deep below the tenancy; a longer walk means a loop in the answers. */
const MAX_DEPTH = 8;

/**
 * The compartment and its ancestors, from the tenancy (root) down to it, read with GetCompartment
 * (which also answers for the tenancy itself). Needs `inspect compartments`; a refusal is thrown.
 */
export async function compartmentPath(
  identity: IdentityClient,
  compartmentId: string,
  tenancyId: string,
): Promise<{ path: CompartmentNode[]; state: string }> {
  const path: CompartmentNode[] = [];
  let current = compartmentId;
  let state = "";
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const { compartment } = await identity.getCompartment({ compartmentId: current });
    if (depth === 0) state = String(compartment.lifecycleState ?? "");
    path.unshift({ id: compartment.id, name: compartment.name });
    if (current === tenancyId || !compartment.compartmentId || compartment.compartmentId === current) {
      return { path, state };
    }
    current = compartment.compartmentId;
  }
  throw new Error(`compartment ${compartmentId} is more than ${MAX_DEPTH} levels below the tenancy`);
}

export function pathName(path: readonly CompartmentNode[]): string {
  return path.map((node) => node.name).join(":");
}
