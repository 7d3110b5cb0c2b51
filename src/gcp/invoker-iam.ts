import type { ServicesClient } from "@google-cloud/run";
import { type InvokerPlan, planInvokers } from "./invoker-policy.ts";
import { CODE, codeOf } from "./run-api-failure.ts";
import { withRetry } from "./run-retry.ts";

const IAM_DEADLINE_MS = 90_000;

/**
 * Read-merge-write of the service's IAM policy with its etag: when someone else changed the policy in
 * between, Cloud Run answers ABORTED (409) and the merge is redone on the fresh policy, so their
 * bindings are never overwritten. No write when the policy already grants what is asked.
 */
export async function ensureInvokers(
  client: ServicesClient,
  resource: string,
  invokers: string[],
  allowUnauthenticated: boolean,
  signal?: AbortSignal,
): Promise<InvokerPlan> {
  const signalOption = signal ? { signal } : {};
  return withRetry(
    async () => {
      const [current] = await client.getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } });
      const plan = planInvokers(current, invokers, allowUnauthenticated);
      if (plan.policy) await client.setIamPolicy({ resource, policy: plan.policy });
      return plan;
    },
    {
      deadlineMs: IAM_DEADLINE_MS,
      activity: `updating the IAM policy of ${resource}`,
      alsoRetry: (error) => codeOf(error) === CODE.ABORTED,
      ...signalOption,
    },
  );
}
