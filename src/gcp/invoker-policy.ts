import type { protos } from "@google-cloud/run";

type Policy = protos.google.iam.v1.IPolicy;
type Binding = protos.google.iam.v1.IBinding;

export const INVOKER_ROLE = "roles/run.invoker";
const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];

export interface InvokerPlan {
  /** The policy to write, or undefined when the current one already grants what is asked. */
  policy?: Policy;
  added: string[];
  /** Public members taken off because allow-unauthenticated is false. */
  removed: string[];
}

/**
 * Adds `invokers` (and allUsers when public access is asked for by name) to roles/run.invoker,
 * keeping every other binding and member; without allow-unauthenticated, public members come off the
 * unconditional invoker binding so a service that was public before is private after.
 */
export function planInvokers(
  current: Policy,
  invokers: string[],
  allowUnauthenticated: boolean,
): InvokerPlan {
  const bindings: Binding[] = (current.bindings ?? []).map((binding) => ({
    ...binding,
    members: [...(binding.members ?? [])],
  }));
  const isInvoker = (binding: Binding) => binding.role === INVOKER_ROLE && !binding.condition;
  let invoker = bindings.find(isInvoker);
  const wanted = allowUnauthenticated ? [...invokers, "allUsers"] : invokers;
  const added: string[] = [];
  const removed: string[] = [];
  for (const member of wanted) {
    if (invoker?.members?.includes(member)) continue;
    if (!invoker) {
      invoker = { role: INVOKER_ROLE, members: [] };
      bindings.push(invoker);
    }
    invoker.members?.push(member);
    added.push(member);
  }
  if (!allowUnauthenticated && invoker) {
    for (const member of PUBLIC_MEMBERS) {
      if (invoker.members?.includes(member)) removed.push(member);
    }
    invoker.members = (invoker.members ?? []).filter((member) => !PUBLIC_MEMBERS.includes(member));
  }
  if (added.length === 0 && removed.length === 0) return { added, removed };
  const kept = bindings.filter((binding) => (binding.members ?? []).length > 0);
  return { policy: { ...current, bindings: kept }, added, removed };
}

/** IAM member forms Cloud Run accepts for roles/run.invoker. */
const MEMBER =
  /^(user|serviceAccount|group|domain|principal|principalSet):\S+$|^allUsers$|^allAuthenticatedUsers$/;

export function isMember(value: string): boolean {
  return MEMBER.test(value);
}
