import { ACTION_INPUTS } from "./action-inputs.ts";
import { UsageError } from "./usage-error.ts";

/** One action's public surface as its action.yml declares it (embedded by scripts/cli-inputs.ts). */
export interface ActionMetadata {
  inputs: InputMetadata[];
  outputs: string[];
}

export interface InputMetadata {
  name: string;
  description: string;
  default?: string;
  /** The action.yml description marks it "(secret)". */
  secret?: boolean;
}

/**
 * Secret inputs are refused on the command line (argv is visible to every user of the machine and
 * lands in shell history and CI logs) and read from FNGATE_<NAME> or a file instead: every input its
 * action.yml marks "(secret)", and these, which carry API keys and function settings the adapters
 * mask too although their descriptions say so in other words.
 */
const ALSO_SECRET = new Set(["token", "headers", "config"]);

export function isSecretInput(input: InputMetadata): boolean {
  return input.secret === true || ALSO_SECRET.has(input.name);
}

export function actionMetadata(action: string): ActionMetadata {
  const metadata = ACTION_INPUTS[action];
  if (!metadata) throw new UsageError(`no action metadata for ${action}`);
  return metadata;
}

/** FNGATE_USER_OCID for user-ocid: the environment variable a CI system sets instead of a flag. */
export function envName(input: string): string {
  return `FNGATE_${input.toUpperCase().replace(/-/g, "_")}`;
}
