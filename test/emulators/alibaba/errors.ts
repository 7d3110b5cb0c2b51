// Alibaba Cloud API errors as the SDK reads them: a JSON body with Code, Message and RequestId, and
// the HTTP status that goes with the code. The SDK turns 4xx into ClientError, 5xx into ServerError.
export class AcsError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const acs = {
  signatureMismatch: (detail: string) =>
    new AcsError(
      403,
      "SignatureDoesNotMatch",
      `The request signature does not conform to Aliyun standards. ${detail}`,
    ),
  accessKeyNotFound: (id: string) =>
    new AcsError(403, "InvalidAccessKeyId.NotFound", `Specified access key ${id} is not found.`),
  tokenExpired: () =>
    new AcsError(403, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."),
  tokenMismatch: () =>
    new AcsError(
      403,
      "InvalidSecurityToken.MismatchWithAccessKey",
      "Specified SecurityToken mismatch with the AccessKey.",
    ),
  missingAuth: () => new AcsError(401, "MissingAuthorization", "The request needs an Authorization header."),
  invalidArgument: (message: string) => new AcsError(400, "InvalidArgument", message),
  functionNotFound: (name: string) =>
    new AcsError(404, "FunctionNotFound", `function '${name}' does not exist`),
  functionExists: (name: string) =>
    new AcsError(409, "FunctionAlreadyExists", `function '${name}' already exists`),
  notFound: (path: string) => new AcsError(404, "NotFound", `no API at ${path}`),
  noPermission: () =>
    new AcsError(
      403,
      "NoPermission",
      "You are not authorized to do this action. You should be authorized by RAM.",
    ),
  actionNotFound: (action: string | undefined) =>
    new AcsError(
      400,
      "InvalidAction.NotFound",
      `Specified api is not found, please check your url and method: ${action}`,
    ),
  oidcTokenInvalid: (message: string) => new AcsError(400, "AuthenticationFail.OIDCToken.Invalid", message),
};
