import * as core from "@actions/core";
import { UserError } from "../../errors.ts";
import type { GcpCredentialInputs, GithubTokenSource } from "../../gcp/credential-choice.ts";
import type { GcpIdTokenInputs } from "../../steps/gcp-id-token.ts";
import { actionInputs, type InputReader, withDefined } from "../inputs.ts";

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
  return { ...credentials, audience: read.required("audience") };
}

/** The job's GitHub OIDC token, through the runner's token request endpoint. */
export function githubTokenSource(): GithubTokenSource {
  return {
    githubIdToken: async (audience) => {
      // The runner sets these only for jobs allowed to mint an OIDC token.
      if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
        throw new UserError(
          "workload-identity-provider needs `permissions: id-token: write` in the workflow or job (the GitHub OIDC token is exchanged with Google STS).",
        );
      }
      try {
        return await core.getIDToken(audience);
      } catch (error) {
        const reason = error instanceof Error ? error.message.replace(/\s+/g, " ").trim() : String(error);
        throw new UserError(
          `workload-identity-provider: the GitHub OIDC token request failed (${reason.slice(0, 200)}): check that the job has \`permissions: id-token: write\`.`,
        );
      }
    },
  };
}
