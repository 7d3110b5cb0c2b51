import { targetRunLabel } from "../../inputs/targets.ts";
import type { TargetsInputs } from "../../inputs/targets-action.ts";

/**
 * The targets action's outputs, by the names in actions/targets/action.yml: `matrix` is what
 * `strategy.matrix: ${{ fromJSON(needs.<job>.outputs.matrix) }}` takes, one `target` per job with its
 * name, region, resource-name suffix, run label and own settings.
 */
export function targetsOutputs({ targets, runLabel }: TargetsInputs): Record<string, string> {
  const target = targets.map((t) => ({
    ...t.settings,
    name: t.name,
    region: t.region,
    suffix: t.suffix,
    "run-label": targetRunLabel(runLabel, t) ?? "",
  }));
  return {
    matrix: JSON.stringify({ target }),
    names: JSON.stringify(targets.map((t) => t.name)),
    count: String(targets.length),
  };
}
