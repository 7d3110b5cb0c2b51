import generated from "./action-metadata.json" with { type: "json" };
import { UsageError } from "./usage-error.ts";

/**
 * One action's inputs as its action.yml declares them, with the secret mark src/inputs/secret-inputs.ts
 * gives them: data written by scripts/cli-metadata.ts (npm run docs) and checked by npm run check-docs.
 */
export interface ActionMetadata {
  inputs: InputMetadata[];
}

export interface InputMetadata {
  name: string;
  description: string;
  default?: string;
  /** `required: true` in action.yml: --help marks it (the step's parser is what enforces it). */
  required?: boolean;
  /** Refused as a flag; read from FNGATE_<NAME> or --<name>-file instead. */
  secret?: boolean;
}

/** Every action folder's metadata, and the root action.yml's as "pipeline". */
export const ACTION_METADATA: Readonly<Record<string, ActionMetadata>> = generated.actions;

export function actionMetadata(action: string): ActionMetadata {
  const metadata = ACTION_METADATA[action];
  if (!metadata) throw new UsageError(`no action metadata for ${action}`);
  return metadata;
}

/** FNGATE_USER_OCID for user-ocid: the environment variable a CI system sets instead of a flag. */
export function envName(input: string): string {
  return `FNGATE_${input.toUpperCase().replace(/-/g, "_")}`;
}
