import type { OcirLoginInputs } from "../steps/ocir-login.ts";
import type { InputHost } from "./input-host.ts";
import { type InputReader, withDefined } from "./reader.ts";

/**
 * The ocir-login inputs; the auth token is masked before anything else is read. Without auth-token
 * (and username) the step logs in with a registry token signed with the OCI profile.
 */
export function readOcirLoginInputs(read: InputReader, host: InputHost): OcirLoginInputs {
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
    ociProfile: host.ociProfile,
  });
}
