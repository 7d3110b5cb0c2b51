import { homedir } from "node:os";
import { join } from "node:path";
import { findDocker } from "../../docker/docker-cli.ts";
import type { OcirLoginInputs, OcirTools } from "../../steps/ocir-login.ts";
import { actionInputs, type InputReader, withDefined } from "../inputs.ts";
import { exportedOciProfile } from "../oci-profile.ts";

/** The ocir-login inputs; the auth token is masked before anything else is read. */
export function getInputs(read: InputReader = actionInputs): OcirLoginInputs {
  const authToken = read.optional("auth-token");
  if (authToken) read.mask(authToken);

  const inputs: OcirLoginInputs = {
    region: read.required("region", "OCI_CLI_REGION"),
    username: read.required("username"),
    authToken: read.required("auth-token"),
    logout: read.boolean("logout", true),
  };
  return withDefined(inputs, {
    namespace: read.optional("namespace"),
    identityDomain: read.optional("identity-domain"),
    registry: read.optional("registry"),
    // fn-context exports it; it lets the namespace be looked up instead of typed in.
    ociProfile: exportedOciProfile(),
  });
}

export async function getTools(): Promise<OcirTools> {
  return {
    docker: await findDocker(process.env.PATH, process.env),
    dockerConfigDir: process.env.DOCKER_CONFIG || join(homedir(), ".docker"),
  };
}
