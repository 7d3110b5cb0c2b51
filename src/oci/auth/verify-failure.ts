import { describeError, UserError } from "../../errors.ts";

/** The fields of oci-common's OciError we use; matched by shape so this file does not load the SDK. */
interface OciErrorFields {
  statusCode: number;
  serviceCode: string;
  message: string;
  opcRequestId: string | null;
}

function isOciError(error: unknown): error is OciErrorFields {
  return typeof error === "object" && error !== null && "statusCode" in error && "serviceCode" in error;
}

/**
 * Turns what a failed credential check returns into the sentence a user needs. OCI answers every
 * authentication failure with the same 401 and no detail, so the message lists the usual causes.
 */
/** `target` names where the call went (the endpoint override, or the region's public endpoint). */
export function explainVerifyFailure(
  error: unknown,
  identity: { user: string; fingerprint: string },
  target: string,
): Error {
  if (isOciError(error)) {
    const status = error.statusCode;
    const where = error.opcRequestId ? ` (opc-request-id ${error.opcRequestId})` : "";
    if (status === 401) {
      return new UserError(
        `verify: OCI refused the API key (401 NotAuthenticated)${where}. Check that the public key with fingerprint ${identity.fingerprint} is uploaded to user ${identity.user}, that user-ocid and tenancy-ocid belong to the same tenancy, and that the runner's clock is correct. Set verify: false to skip this check.`,
      );
    }
    if (status === 404) {
      return new UserError(
        `verify: OCI answered 404 ${error.serviceCode}${where}: the tenancy-ocid or region is probably wrong for this user.`,
      );
    }
    if (status > 0 && status < 500 && status !== 429) {
      return new UserError(`verify: OCI answered ${status} ${error.serviceCode}${where}: ${error.message}`);
    }
    return new UserError(
      `verify: OCI kept failing (${status || "no response"} ${error.serviceCode || ""})${where}: ${describeError(error.message)}. Retry later, or set verify: false.`.replace(
        /\s+\)/,
        ")",
      ),
    );
  }
  return new UserError(
    `verify: could not reach OCI at ${target}: ${describeError(error)}. Check the region, FNGATE_OCI_ENDPOINT and any proxy.`,
  );
}
