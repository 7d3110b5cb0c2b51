import type { GcpCredentialInputs } from "../gcp/credential-choice.ts";
import { checkAudience, checkTokenFormat } from "../gcp/token-format.ts";
import type { GcpIdTokenInputs } from "../steps/gcp-id-token.ts";
import { type InputReader, withDefined } from "./reader.ts";

/** The credential inputs of both Google actions; the key file is masked before anything else is read. */
export function readGcpCredentialInputs(read: InputReader): GcpCredentialInputs {
  const credentialsJson = read.optional("credentials-json");
  if (credentialsJson) read.mask(credentialsJson);
  return withDefined<GcpCredentialInputs>(
    {},
    {
      credentialsJson,
      workloadIdentityProvider: read.optional("workload-identity-provider"),
      serviceAccount: read.optional("service-account"),
    },
  );
}

export function readGcpIdTokenInputs(read: InputReader): GcpIdTokenInputs {
  const credentials = readGcpCredentialInputs(read);
  const audience = read.optional("audience");
  const tokenFormat = read.optional("token-format");
  read.field(["token-format", "audience"], () => {
    if (checkTokenFormat(tokenFormat, audience) === "id-token") checkAudience(audience ?? "");
  });
  return withDefined<GcpIdTokenInputs>({ ...credentials }, { audience, tokenFormat });
}
