import { describeError, UserError } from "../errors.ts";

/**
 * Token exchange failures (STS, IAM Credentials, the OAuth2 token endpoint) explained in one line.
 * Returns undefined for anything that is not one.
 */
export function authFailure(error: unknown): UserError | undefined {
  // Our own refusals (no id-token permission) may come back wrapped by the auth library.
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof UserError) return cause;
  }
  const response = (error as { response?: { status?: number; data?: unknown; config?: { url?: unknown } } })
    ?.response;
  const url = String(response?.config?.url ?? (error as { config?: { url?: unknown } })?.config?.url ?? "");
  const text = describeError(error);
  const data = response?.data as
    | { error?: string | { message?: string; status?: string }; error_description?: string }
    | undefined;
  const said =
    typeof data?.error === "object"
      ? `${data.error.status ?? ""}: ${data.error.message ?? ""}`
      : data?.error
        ? `${data.error}${data.error_description ? `: ${data.error_description}` : ""}`
        : text;
  const detail = said.replace(/\s+/g, " ").trim().slice(0, 300);
  if (
    /\/sts\/|sts\.googleapis\.com/.test(url) ||
    /Error code (invalid_\w+|unauthorized_client|access_denied)/.test(text)
  ) {
    return new UserError(
      `workload-identity-provider: Google STS refused the GitHub OIDC token (${detail}): check the provider's issuer (https://token.actions.githubusercontent.com), its attribute condition and allowed audiences match this repository and workflow.`,
    );
  }
  if (/iamcredentials|:generate(Id|Access)Token/.test(url) || /generate(Id|Access)Token/.test(text)) {
    return new UserError(
      `service-account: the federated identity may not impersonate the service account (${detail}): grant roles/iam.workloadIdentityUser on the service account to the pool's principalSet for this repository.`,
    );
  }
  if (/oauth2|\/token$/.test(url) || /invalid_grant|invalid_client/.test(text)) {
    return new UserError(
      `credentials-json: Google refused the service account key (${detail}): the key may be deleted or disabled, or its service account removed; create a new key.`,
    );
  }
  return undefined;
}
