import type { GcpCredentialInputs, GithubTokenSource } from "../gcp/credential-choice.ts";
import { githubOidcToken } from "../github/github-oidc-token.ts";
import { actionInputs, type InputReader, withDefined } from "../github/inputs.ts";
import type { GcpIdTokenInputs } from "../steps/gcp-id-token.ts";

/** The credential inputs of both Google actions; the key file is masked before anything else is read. */
export function getCredentialInputs(read: InputReader): GcpCredentialInputs {
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

export function getInputs(read: InputReader = actionInputs): GcpIdTokenInputs {
  const credentials = getCredentialInputs(read);
  return withDefined<GcpIdTokenInputs>(
    { ...credentials },
    { audience: read.optional("audience"), tokenFormat: read.optional("token-format") },
  );
}

/** The job's GitHub OIDC token, through the runner's token request endpoint. */
export function githubTokenSource(): GithubTokenSource {
  return {
    githubIdToken: (audience) =>
      githubOidcToken(
        audience,
        "workload-identity-provider",
        "the GitHub OIDC token is exchanged with Google STS",
      ),
  };
}
