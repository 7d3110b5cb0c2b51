import { homedir } from "node:os";
import { join } from "node:path";
import { findDocker } from "../docker/docker-cli.ts";
import { actionInputs, type InputReader, withDefined } from "../github/inputs.ts";
import { exportedOciProfile } from "../github/oci-profile.ts";
import type { OcirLoginInputs, OcirTools } from "../steps/ocir-login.ts";

/**
 * The ocir-login inputs; the auth token is masked before anything else is read. Without auth-token
 * (and username) the step logs in with a registry token signed with the OCI profile.
 */
export function getInputs(read: InputReader = actionInputs): OcirLoginInputs {
  const authToken = read.optional("auth-token");
  if (authToken) read.mask(authToken);

  const inputs: OcirLoginInputs = {
    region: read.required("region", "OCI_CLI_REGION"),
    logout: read.boolean("logout", true),
  };
  return withDefined(inputs, {
    authToken,
    username: read.optional("username"),
    namespace: read.optional("namespace"),
    identityDomain: read.optional("identity-domain"),
    registry: read.optional("registry"),
    // fn-context exports it; it looks the namespace up and signs the registry token request.
    ociProfile: exportedOciProfile(),
  });
}

export async function getTools(): Promise<OcirTools> {
  return {
    docker: await findDocker(process.env.PATH, process.env),
    dockerConfigDir: dockerConfigDir(),
  };
}

/** Where docker reads config.json: $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(): string {
  return process.env.DOCKER_CONFIG || join(homedir(), ".docker");
}
