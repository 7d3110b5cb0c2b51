import { describeError, UserError } from "../errors.ts";

/** The fields of oci-common's OciError we use; matched by shape so this file does not load the SDK. */
export interface OciErrorFields {
  statusCode: number;
  serviceCode: string;
  message: string;
  opcRequestId: string | null;
}

export function isOciError(error: unknown): error is OciErrorFields {
  return typeof error === "object" && error !== null && "statusCode" in error && "serviceCode" in error;
}

export function hasStatus(error: unknown, status: number): boolean {
  return isOciError(error) && error.statusCode === status;
}

/** The call's answer, or undefined when it answers 404: the resource is gone (or was never there). */
export async function unlessGone<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (hasStatus(error, 404)) return undefined;
    throw error;
  }
}

/**
 * Turns a failed OCI call into one line a person can act on. `what` names the call and the resource
 * ("application fngate in compartment ocid1…"); `notFound` says what a 404 most likely means there,
 * because OCI answers "missing" and "not allowed to see it" with the same NotAuthorizedOrNotFound.
 */
export function explainApiFailure(error: unknown, what: string, notFound: string): Error {
  if (!isOciError(error)) return error instanceof Error ? error : new Error(describeError(error));
  const status = error.statusCode;
  const where = error.opcRequestId ? ` (opc-request-id ${error.opcRequestId})` : "";
  const detail = describeError(error.message);
  if (status === 401) {
    return new UserError(
      `${what}: OCI refused the API key (401 NotAuthenticated)${where}; run fn-context with verify: true to check user-ocid, tenancy-ocid, the key and its fingerprint.`,
    );
  }
  if (status === 404) {
    return new UserError(`${what}: 404 ${error.serviceCode || "NotFound"}${where}. ${notFound}`);
  }
  if (status === 403) {
    return new UserError(
      `${what}: 403 ${error.serviceCode}${where}: ${detail}. The user's group needs an IAM policy for this (see the OCI Functions policy reference).`,
    );
  }
  if (status > 0 && status < 500 && status !== 429) {
    return new UserError(`${what}: OCI answered ${status} ${error.serviceCode}${where}: ${detail}`);
  }
  return new UserError(
    `${what}: OCI kept failing (${status > 0 ? status : "no response"} ${error.serviceCode})${where}: ${detail}. Retry later; check FNGATE_OCI_ENDPOINT and any proxy if there was no response.`,
  );
}

/** The usual reasons for a 404 on a resource looked up in a compartment. */
export const POLICY_HINT =
  "Likely causes: the OCID is wrong or in another compartment or region, or the user's group lacks a policy such as 'Allow group <group> to manage functions-family in compartment <name>'.";

/** One OCI call whose failure, if any, becomes explainApiFailure's line for `what`. */
export async function explainedCall<T>(call: () => Promise<T>, what: string, notFound: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainApiFailure(error, what, notFound);
  }
}
