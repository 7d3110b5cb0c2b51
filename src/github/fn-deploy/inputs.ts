import { findDocker } from "../../docker/docker-cli.ts";
import { UserError } from "../../errors.ts";
import type { FnDeployInputs, FnDeployTools } from "../../steps/fn-deploy.ts";
import { booleanInput, optionalInput, requiredInput } from "../inputs.ts";

/**
 * The fn-deploy inputs as one typed object. The OCI credentials are the profile fn-context wrote and
 * exported (OCI_CLI_CONFIG_FILE, OCI_CLI_PROFILE); fn-deploy takes no key material of its own.
 */
export function getInputs(): FnDeployInputs {
  const configFile = process.env.OCI_CLI_CONFIG_FILE?.trim();
  if (!configFile) {
    throw new UserError(
      "no OCI profile: run fn-context first in this job (it writes ~/.oci/config and exports OCI_CLI_CONFIG_FILE and OCI_CLI_PROFILE).",
    );
  }
  const inputs: FnDeployInputs = {
    application: requiredInput("application"),
    path: optionalInput("path") ?? ".",
    wait: booleanInput("wait", true),
    ociProfile: { configFile, profile: process.env.OCI_CLI_PROFILE?.trim() || "DEFAULT" },
  };
  const memory = integerInput("memory");
  const timeout = integerInput("timeout");
  const optional = {
    compartmentOcid: optionalInput("compartment-ocid"),
    function: optionalInput("function"),
    image: optionalInput("image"),
    registry: optionalInput("registry"),
    repository: optionalInput("repository"),
    tag: optionalInput("tag"),
    memory,
    timeout,
    config: optionalInput("config"),
    // An empty body is a valid invoke, but an empty input means "no invoke": use {} or any text.
    invoke: optionalInput("invoke"),
    gitSha: process.env.GITHUB_SHA?.trim() || undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(inputs, { [key]: value });
  }
  return inputs;
}

function integerInput(name: string): number | undefined {
  const value = optionalInput(name)?.trim();
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value)) {
    throw new UserError(`${name} must be a whole number; got ${JSON.stringify(value.slice(0, 40))}.`);
  }
  return Number(value);
}

export async function getTools(): Promise<FnDeployTools> {
  return { docker: await findDocker(process.env.PATH, process.env) };
}
