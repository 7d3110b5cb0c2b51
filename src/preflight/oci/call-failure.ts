import { describeError } from "../../errors.ts";
import { isOciError } from "../../oci/oci-api-failure.ts";

/** A failed OCI call in a few words for a row: "404 NotAuthorizedOrNotFound", or the network error. */
export function callFailure(error: unknown): string {
  if (isOciError(error)) return `${error.statusCode} ${error.serviceCode || "error"}`.trim();
  return describeError(error);
}

/** OCI answers both "missing" and "you may not see it" with 404 (and some services 403). */
export function isNotVisible(error: unknown): boolean {
  return isOciError(error) && (error.statusCode === 404 || error.statusCode === 403);
}

export function isUnauthenticated(error: unknown): boolean {
  return isOciError(error) && error.statusCode === 401;
}
