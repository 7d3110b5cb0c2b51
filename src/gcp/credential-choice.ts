import { UserError } from "../errors.ts";
import type { StepContext } from "../step-context.ts";
import type { GcpCredential } from "./credentials.ts";
import { parseServiceAccountKey } from "./key-json.ts";
import { checkServiceAccountEmail, checkWorkloadIdentityProvider } from "./workload-identity.ts";

/** The credential inputs both Google actions take. */
export interface GcpCredentialInputs {
  /** A service account key file's JSON (secret). */
  credentialsJson?: string;
  workloadIdentityProvider?: string;
  serviceAccount?: string;
}

export interface GithubTokenSource {
  /** A GitHub Actions OIDC token for `audience`; throws a UserError when the job may not have one. */
  githubIdToken(audience: string): Promise<string>;
}

/**
 * Exactly one way to authenticate: a key file, or workload identity federation (provider + service
 * account). Checked before any call; the key's private key is registered as a secret here.
 */
export function chooseGcpCredential(
  inputs: GcpCredentialInputs,
  ctx: Pick<StepContext, "secrets">,
  tools: GithubTokenSource,
): GcpCredential {
  const federated = inputs.workloadIdentityProvider !== undefined || inputs.serviceAccount !== undefined;
  if (inputs.credentialsJson !== undefined && federated) {
    throw new UserError(
      "credentials-json and workload-identity-provider are both set: keep exactly one credential (workload identity federation needs no key).",
    );
  }
  if (inputs.credentialsJson !== undefined) {
    const key = parseServiceAccountKey(inputs.credentialsJson);
    ctx.secrets.register(key.privateKey);
    return { kind: "key", key };
  }
  if (!federated) {
    throw new UserError(
      "no credential given: set workload-identity-provider and service-account (keyless, from the job's GitHub OIDC token; needs `permissions: id-token: write`), or credentials-json.",
    );
  }
  if (inputs.workloadIdentityProvider === undefined) {
    throw new UserError(
      "service-account is set without workload-identity-provider: set the provider (projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>) too.",
    );
  }
  if (inputs.serviceAccount === undefined) {
    throw new UserError(
      "workload-identity-provider is set without service-account: set the service account to impersonate (NAME@PROJECT_ID.iam.gserviceaccount.com).",
    );
  }
  const provider = checkWorkloadIdentityProvider(inputs.workloadIdentityProvider);
  const serviceAccount = checkServiceAccountEmail(inputs.serviceAccount);
  return {
    kind: "federated",
    provider,
    serviceAccount,
    githubToken: async (audience) => {
      const token = await tools.githubIdToken(audience);
      ctx.secrets.register(token);
      return token;
    },
  };
}
