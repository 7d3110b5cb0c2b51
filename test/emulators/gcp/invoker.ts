import type { GcpState } from "./state.ts";

export const INVOKER_ROLE_NAME = "roles/run.invoker";

/** Members holding roles/run.invoker (unconditionally) on a service. */
export function invokerMembers(state: GcpState, serviceName: string): string[] {
  const policy = state.policies.get(serviceName);
  return (policy?.bindings ?? [])
    .filter((binding) => binding.role === INVOKER_ROLE_NAME && !binding.condition)
    .flatMap((binding) => binding.members);
}
