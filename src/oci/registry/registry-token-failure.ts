import { describeError, UserError } from "../../errors.ts";
import { RegistryTokenRefused } from "./registry-token.ts";

/** Both ways to log in to OCIR, named in every message that leaves the user without one. */
export const BOTH_WAYS =
  "run fn-context earlier in the job (its profile requests a short-lived registry token), or set auth-token and username to log in with a user's auth token";

/**
 * The one line a user reads when OCIR's token endpoint handed out no token. OCI answers every
 * signature problem with the same 401 and no detail, so the message lists the usual causes for the
 * credential that signed.
 */
export function explainRegistryTokenFailure(error: unknown): Error {
  if (error instanceof RegistryTokenRefused) {
    const answered = `${error.status}${error.code ? ` ${error.code}` : ""}${error.opcRequestId ? `, opc-request-id ${error.opcRequestId}` : ""}`;
    if (error.status === 401) {
      const causes =
        error.signedWith === "session token"
          ? "the session token of fn-context (auth: oidc) has expired or was refused: re-run fn-context in this job"
          : "the API key of fn-context's profile is not accepted: check that its fingerprint is uploaded to user-ocid in tenancy-ocid and that the runner's clock is right";
      return new UserError(
        `ocir-login: OCI refused the signed registry token request to ${error.url} (${answered}): ${causes}; or set auth-token and username to log in with an auth token instead.`,
      );
    }
    if (error.status === 404) {
      return new UserError(
        `ocir-login: ${error.url} has no registry token service (${answered}): check region and registry (an OCIR host such as ocir.ap-tokyo-1.oci.oraclecloud.com), or set auth-token and username.`,
      );
    }
    const retried = error.status === 429 || error.status >= 500 ? ", after retries for 30 seconds" : "";
    const what = error.status === 200 ? "answered 200 without a token" : `failed (${answered}${retried})`;
    return new UserError(
      `ocir-login: the registry token request to ${error.url} ${what}: check region, registry and FNGATE_OCI_ENDPOINT, or set auth-token and username.`,
    );
  }
  return new UserError(
    `ocir-login: ${describeError(error)}. Check region, registry, FNGATE_OCI_ENDPOINT and any proxy, or set auth-token and username.`,
  );
}
