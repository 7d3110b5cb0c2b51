import { UserError } from "../errors.ts";
import { checkRunLabel } from "../run-label.ts";
import type { InputHost } from "./input-host.ts";
import type { InputReader } from "./reader.ts";
import { parseTargets, type Target } from "./targets.ts";

export interface TargetsInputs {
  targets: Target[];
  /** The label the deploys would carry without targets; each target's is this with its name. */
  runLabel: string | undefined;
  /** The folder of the deploy jobs' results: set, the step reports them instead of making the matrix. */
  results: string | undefined;
}

/** Names the matrix already uses for its own fields: a target setting cannot take them. */
const RESERVED = new Set(["region", "name", "suffix", "run-label"]);

/** The targets action's inputs: the list (or a single region), the settings a target may give, the run label. */
export function readTargetsInputs(read: InputReader, host: InputHost): TargetsInputs {
  const settings = read.field("settings", () => settingKeys(read.optional("settings")));
  const targets = read.field(["targets", "region"], () =>
    parseTargets(read.optional("targets"), read.optional("region"), settings ?? []),
  );
  const runLabel = read.field("run-label", () => checkRunLabel(read.optional("run-label")));
  return { targets, runLabel: runLabel ?? host.defaultRunLabel, results: read.optional("results") };
}

function settingKeys(text: string | undefined): string[] {
  const keys = (text ?? "")
    .split(/[,\s]+/)
    .map((key) => key.trim())
    .filter((key) => key !== "");
  for (const key of keys) {
    if (!/^[a-z][a-z0-9-]*$/.test(key) || RESERVED.has(key)) {
      throw new UserError(
        `settings: ${JSON.stringify(key.slice(0, 40))} cannot be a target's setting; name inputs of the deploy (such as gateway-ocid), separated by commas, other than ${[...RESERVED].join(", ")}.`,
      );
    }
  }
  return keys;
}
