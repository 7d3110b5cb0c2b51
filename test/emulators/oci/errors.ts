// OCI's error responses: status code plus `{"code","message"}` JSON. The SDK turns this body into
// OciError.serviceCode / message and decides about retries from status + code, so the codes and
// messages below are the ones Oracle Cloud actually sends.

export class OciHttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const NOT_AUTHENTICATED_MESSAGE =
  "The required information to complete authentication was not provided or was incorrect.";

/**
 * 401 for every signature problem. OCI never says which check failed; the emulator adds the
 * reason in `x-emulator-reason` so a failing test explains itself. Clients must not read it.
 */
export function notAuthenticated(reason: string): OciHttpError {
  return new OciHttpError(401, "NotAuthenticated", NOT_AUTHENTICATED_MESSAGE, {
    // The reason may quote request input (a keyId); keep the header value printable ASCII.
    "x-emulator-reason": reason.replace(/[^\x20-\x7e]/g, "?"),
  });
}

/** OCI answers 404 both for missing resources and for ones the caller may not see. */
export function notAuthorizedOrNotFound(): OciHttpError {
  return new OciHttpError(
    404,
    "NotAuthorizedOrNotFound",
    "Authorization failed or requested resource not found.",
  );
}

export function routeNotFound(method: string, path: string): OciHttpError {
  return new OciHttpError(404, "NotFound", `No route for ${method} ${path}.`);
}

export function methodNotAllowed(method: string, allowed: readonly string[]): OciHttpError {
  return new OciHttpError(405, "MethodNotAllowed", `Method ${method} is not allowed on this resource.`, {
    allow: allowed.join(", "),
  });
}

export function invalidParameter(message: string): OciHttpError {
  return new OciHttpError(400, "InvalidParameter", message);
}

export function missingParameter(message: string): OciHttpError {
  return new OciHttpError(400, "MissingParameter", message);
}

export function internalError(): OciHttpError {
  return new OciHttpError(500, "InternalServerError", "Internal error in the OCI emulator.");
}

export function conflict(message: string): OciHttpError {
  return new OciHttpError(409, "Conflict", message);
}

/**
 * 409 from a create whose resource already exists (or may not be created by this caller). OCI's API
 * Errors page: "You do not have authorization to perform this request, or the resource you are
 * attempting to create already exists. This error code is returned only from create operations"
 * (https://docs.oracle.com/en-us/iaas/Content/API/References/apierrors.htm).
 */
export function alreadyExists(message: string): OciHttpError {
  return new OciHttpError(409, "NotAuthorizedOrResourceAlreadyExists", message);
}

/** 409 the SDK retries by default: the resource is busy (CREATING, UPDATING) and will settle. */
export function incorrectState(message: string): OciHttpError {
  return new OciHttpError(409, "IncorrectState", message);
}

/** An `if-match` etag that is no longer the resource's: the caller must re-read and retry. */
export function preconditionFailed(): OciHttpError {
  return new OciHttpError(
    412,
    "PreconditionFailed",
    "The resource has been modified since the etag in the if-match header was issued.",
  );
}
