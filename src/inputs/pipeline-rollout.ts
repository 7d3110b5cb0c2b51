import { UserError } from "../errors.ts";
import { ROLLOUTS, type Rollout } from "../steps/pipeline-rollout.ts";
import type { InputReader } from "./reader.ts";

/** The pipeline's `rollout` input: verify-then-promote unless the user asks for direct by name. */
export function readRollout(read: InputReader): Rollout {
  return read.field("rollout", () => {
    const value = read.optional("rollout")?.trim() ?? "verify-then-promote";
    if (!(ROLLOUTS as readonly string[]).includes(value)) {
      throw new UserError(
        `rollout must be one of ${ROLLOUTS.join(", ")} (verify-then-promote restores the previous version when the smoke test fails); got ${JSON.stringify(value.slice(0, 40))}.`,
      );
    }
    return value as Rollout;
  });
}
