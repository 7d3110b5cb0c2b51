// IAM compartments and policies of the emulated tenancies. A tenancy is its own root compartment;
// child compartments form a tree below it (names unique among siblings, case-insensitively, as the
// Console enforces). Policies are attached to a compartment and hold statements as text: the
// emulator stores them as written and reads them only where a service enforces them (the API
// Gateway data plane, see ../gateway/function-access.ts).
// Compartments: https://docs.oracle.com/iaas/Content/Identity/compartments/managingcompartments.htm
// Policies: https://docs.oracle.com/iaas/Content/Identity/policieshow/Policy_Basics.htm
import { newOcid } from "./ocid.ts";

export interface CompartmentRecord {
  id: string;
  tenancyId: string;
  /** The parent; the tenancy's own id for its top-level compartments. */
  parentId: string;
  name: string;
  description: string;
  lifecycleState: "ACTIVE" | "DELETED";
  timeCreated: string;
}

export interface PolicyRecord {
  id: string;
  tenancyId: string;
  /** Where the policy is attached: the tenancy (root) or a compartment. */
  compartmentId: string;
  name: string;
  description: string;
  statements: string[];
  timeCreated: string;
  sequence: number;
}

/** A dynamic group: its members are the resources its matching rule selects, decided per request. */
export interface DynamicGroupRecord {
  id: string;
  tenancyId: string;
  name: string;
  description: string;
  matchingRule: string;
  timeCreated: string;
  sequence: number;
}

export interface IdentityStoreOptions {
  now: () => Date;
  /** The tenancy a root compartment id names, or undefined. */
  tenancyName(tenancyId: string): string | undefined;
}

export class IdentityStore {
  readonly compartments = new Map<string, CompartmentRecord>();
  readonly policies = new Map<string, PolicyRecord>();
  readonly dynamicGroups = new Map<string, DynamicGroupRecord>();
  readonly #options: IdentityStoreOptions;
  #sequence = 0;

  constructor(options: IdentityStoreOptions) {
    this.#options = options;
  }

  /** The tenancy id of a root or child compartment, or undefined when neither exists. */
  tenancyIdOf(compartmentId: string): string | undefined {
    if (this.#options.tenancyName(compartmentId) !== undefined) return compartmentId;
    const compartment = this.compartments.get(compartmentId);
    return compartment?.lifecycleState === "ACTIVE" ? compartment.tenancyId : undefined;
  }

  /** Seeds an ACTIVE compartment below `parentId` (a tenancy or another compartment). */
  createCompartment(input: { parentId: string; name: string; description?: string }): CompartmentRecord {
    const tenancyId = this.tenancyIdOf(input.parentId);
    if (!tenancyId) throw new Error(`unknown parent compartment ${input.parentId}`);
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(input.name))
      throw new Error(`invalid compartment name ${input.name}`);
    const clash = [...this.compartments.values()].some(
      (other) =>
        other.parentId === input.parentId &&
        other.lifecycleState === "ACTIVE" &&
        other.name.toLowerCase() === input.name.toLowerCase(),
    );
    if (clash) throw new Error(`compartment ${input.name} already exists in ${input.parentId}`);
    const compartment: CompartmentRecord = {
      id: newOcid("compartment"),
      tenancyId,
      parentId: input.parentId,
      name: input.name,
      description: input.description ?? input.name,
      lifecycleState: "ACTIVE",
      timeCreated: this.#options.now().toISOString(),
    };
    this.compartments.set(compartment.id, compartment);
    return compartment;
  }

  /**
   * The compartment and its ancestors, from the tenancy (root) down to it, as { id, name }; undefined
   * when the compartment does not exist.
   */
  pathOf(compartmentId: string): { id: string; name: string }[] | undefined {
    const path: { id: string; name: string }[] = [];
    let current = compartmentId;
    for (let depth = 0; depth < 20; depth++) {
      const tenancyName = this.#options.tenancyName(current);
      if (tenancyName !== undefined) return [{ id: current, name: tenancyName }, ...path];
      const compartment = this.compartments.get(current);
      if (compartment?.lifecycleState !== "ACTIVE") return undefined;
      path.unshift({ id: compartment.id, name: compartment.name });
      current = compartment.parentId;
    }
    return undefined;
  }

  /** Seeds a policy attached to `compartmentId` (its statements are stored as written). */
  createPolicy(input: {
    compartmentId: string;
    name: string;
    statements: string[];
    description?: string;
  }): PolicyRecord {
    const tenancyId = this.tenancyIdOf(input.compartmentId);
    if (!tenancyId) throw new Error(`unknown compartment ${input.compartmentId}`);
    if (input.statements.length === 0) throw new Error("a policy holds at least one statement");
    // "The name must be unique across all policies in your tenancy."
    const clash = [...this.policies.values()].some(
      (other) => other.tenancyId === tenancyId && other.name.toLowerCase() === input.name.toLowerCase(),
    );
    if (clash) throw new Error(`policy ${input.name} already exists in the tenancy`);
    const policy: PolicyRecord = {
      id: newOcid("policy"),
      tenancyId,
      compartmentId: input.compartmentId,
      name: input.name,
      description: input.description ?? input.name,
      statements: [...input.statements],
      timeCreated: this.#options.now().toISOString(),
      sequence: ++this.#sequence,
    };
    this.policies.set(policy.id, policy);
    return policy;
  }

  /**
   * Seeds a dynamic group of the tenancy. "Specify a name for the dynamic group, which must be unique
   * across all dynamic groups and all other groups in your tenancy"
   * (https://docs.oracle.com/iaas/Content/Identity/dynamicgroups/Writing_Matching_Rules_to_Define_Dynamic_Groups.htm).
   */
  createDynamicGroup(input: { tenancyId: string; name: string; matchingRule: string }): DynamicGroupRecord {
    if (this.#options.tenancyName(input.tenancyId) === undefined)
      throw new Error(`unknown tenancy ${input.tenancyId}`);
    const clash = [...this.dynamicGroups.values()].some(
      (other) => other.tenancyId === input.tenancyId && other.name.toLowerCase() === input.name.toLowerCase(),
    );
    if (clash) throw new Error(`dynamic group ${input.name} already exists`);
    const group: DynamicGroupRecord = {
      id: newOcid("dynamicgroup"),
      tenancyId: input.tenancyId,
      name: input.name,
      description: input.name,
      matchingRule: input.matchingRule,
      timeCreated: this.#options.now().toISOString(),
      sequence: ++this.#sequence,
    };
    this.dynamicGroups.set(group.id, group);
    return group;
  }

  deletePolicy(policyId: string): boolean {
    return this.policies.delete(policyId);
  }

  /** Policies attached directly to the compartment, oldest first. */
  policiesIn(compartmentId: string): PolicyRecord[] {
    return [...this.policies.values()]
      .filter((policy) => policy.compartmentId === compartmentId)
      .sort((a, b) => a.sequence - b.sequence);
  }
}
