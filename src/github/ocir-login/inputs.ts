import { homedir } from "node:os";
import { join } from "node:path";
import { findDocker } from "../../docker/docker-cli.ts";
import type { OcirLoginInputs, OcirTools } from "../../steps/ocir-login.ts";
import { booleanInput, optionalInput, requiredInput } from "../inputs.ts";
import { maskSecret } from "../step-context.ts";

/** The ocir-login inputs; the auth token is masked before anything else is read. */
export function getInputs(): OcirLoginInputs {
  const authToken = optionalInput("auth-token");
  if (authToken) maskSecret(authToken);

  const inputs: OcirLoginInputs = {
    region: requiredInput("region", "OCI_CLI_REGION"),
    username: requiredInput("username"),
    authToken: requiredInput("auth-token"),
    logout: booleanInput("logout", true),
  };
  const namespace = optionalInput("namespace");
  const identityDomain = optionalInput("identity-domain");
  const registry = optionalInput("registry");
  if (namespace) inputs.namespace = namespace;
  if (identityDomain) inputs.identityDomain = identityDomain;
  if (registry) inputs.registry = registry;
  // fn-context exports these; they let the namespace be looked up instead of typed in.
  const configFile = process.env.OCI_CLI_CONFIG_FILE;
  if (configFile) inputs.ociProfile = { configFile, profile: process.env.OCI_CLI_PROFILE || "DEFAULT" };
  return inputs;
}

export async function getTools(): Promise<OcirTools> {
  return {
    docker: await findDocker(process.env.PATH, process.env),
    dockerConfigDir: process.env.DOCKER_CONFIG || join(homedir(), ".docker"),
  };
}
