import { UserError } from "../errors.ts";

const PROVIDER =
  /^projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([a-z0-9-]{4,32})\/providers\/([a-z0-9-]{4,32})$/;
const SERVICE_ACCOUNT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]+\.iam\.gserviceaccount\.com$/;

/** The provider's full resource name, as `gcloud iam workload-identity-pools providers describe` prints it. */
export function checkWorkloadIdentityProvider(value: string): string {
  const trimmed = value.trim().replace(/^\/\/iam\.googleapis\.com\//, "");
  if (!PROVIDER.test(trimmed)) {
    throw new UserError(
      `workload-identity-provider ${JSON.stringify(value.slice(0, 200))} is not a provider name: use projects/<project NUMBER>/locations/global/workloadIdentityPools/<pool>/providers/<provider> (the project number, not its ID).`,
    );
  }
  return trimmed;
}

export function checkServiceAccountEmail(value: string, inputName = "service-account"): string {
  const trimmed = value.trim();
  if (!SERVICE_ACCOUNT.test(trimmed)) {
    throw new UserError(
      `${inputName} ${JSON.stringify(value.slice(0, 120))} is not a service account email: use NAME@PROJECT_ID.iam.gserviceaccount.com.`,
    );
  }
  return trimmed;
}

/**
 * The audience Google STS expects in the GitHub OIDC token by default (a provider's "default
 * audience"), the same one google-github-actions/auth asks GitHub for.
 */
export function githubTokenAudience(provider: string): string {
  return `https://iam.googleapis.com/${provider}`;
}
