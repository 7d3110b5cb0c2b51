import { UserError } from "../errors.ts";
import { errorCode, shortMessage } from "./sdk-errors.ts";

/**
 * FC and RAM failures a user can fix, each as one line naming the input and the fix. Anything else
 * keeps FC's own code and message.
 */
export function explainFcFailure(error: unknown, operation: string, role: string): UserError | undefined {
  const code = errorCode(error);
  const message = shortMessage(error);
  const status = statusOf(error);
  if (code === "EntityNotExist.Role" || /role .*(does not exist|not exist)/i.test(message)) {
    return new UserError(
      `role: ${role} does not exist: create it in RAM (trusted entity: Alibaba Cloud service, Function Compute) or fix the ARN.`,
    );
  }
  if (code === "RoleNotTrusted" || /trust policy/i.test(message)) {
    return new UserError(
      `role: ${role} does not trust Function Compute: add fc.aliyuncs.com to the role's trust policy (Principal.Service) so FC can assume it.`,
    );
  }
  if (/ram:PassRole/.test(message)) {
    return new UserError(
      `role: the deploying identity may not pass ${role} to Function Compute: grant it ram:PassRole on that role (e.g. a RAM policy with Action ram:PassRole and Resource ${role}).`,
    );
  }
  if (/acrInstanceId/.test(message)) {
    return new UserError(
      `acr-instance-id: Function Compute refused it (${message}): set it to the ID (cri-…) of the ACR Enterprise Edition instance that serves the image's registry host (Container Registry console > Instances).`,
    );
  }
  if (code === "ImageNotFound" || /image/i.test(code)) {
    return new UserError(
      `image: Function Compute cannot pull the image (${message}): check the ACR image reference and that the image exists.`,
    );
  }
  if (code === "InvalidAccessKeyId.NotFound" || code === "SignatureDoesNotMatch") {
    return new UserError(
      `access-key-id / access-key-secret were refused by Function Compute (${code}): check that the pair belongs together and is enabled.`,
    );
  }
  if (code.startsWith("InvalidSecurityToken")) {
    return new UserError(
      `Function Compute refused the STS credentials (${code}): they have expired or do not match; re-run the job to get fresh ones.`,
    );
  }
  if (status === 403) {
    return new UserError(
      `${operation} was denied (${code}: ${message}): grant the deploying identity the AliyunFCFullAccess policy or the fc:${operation} action.`,
    );
  }
  if (status === 400) return new UserError(`${operation} was refused (${code}): ${message}.`);
  if (status !== undefined && (status === 429 || status >= 500)) {
    return new UserError(
      `${operation} kept failing with ${status} ${code} after retries: Function Compute is throttling or unavailable; re-run the job later.`,
    );
  }
  const network = status === undefined ? NETWORK_ERROR.exec(`${code} ${message}`) : null;
  if (network) {
    // The SDK glues the socket error to the request line; the errno and the host are what helps.
    const host = /https?:\/\/([^/\s]+)/.exec(message)?.[1];
    return new UserError(
      `${operation}: no answer from Function Compute${host ? ` at ${host}` : ""} (${network[0]}) after retries: check region, FNGATE_ALIBABA_ENDPOINT and, behind a proxy, HTTPS_PROXY and NO_PROXY.`,
    );
  }
  return undefined;
}

/** Dropped or refused connections: worth another try. */
const TRANSIENT_NETWORK_ERROR = /ECONNRESET|ETIMEDOUT|ECONNREFUSED|EPIPE|EAI_AGAIN|socket hang up/i;
/** Every call that never got an answer, including a host that does not resolve (not worth a retry). */
const NETWORK_ERROR = new RegExp(`${TRANSIENT_NETWORK_ERROR.source}|ENOTFOUND`, "i");

export function statusOf(error: unknown): number | undefined {
  if (
    typeof error === "object" &&
    error !== null &&
    "statusCode" in error &&
    typeof error.statusCode === "number"
  )
    return error.statusCode;
  return undefined;
}

/** 429, 5xx and connection resets are worth another try; a refusal is not. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined)
    return (
      status === 429 || status >= 500 || (status === 409 && /Conflict|Concurrent/i.test(errorCode(error)))
    );
  const code = errorCode(error);
  return TRANSIENT_NETWORK_ERROR.test(`${code} ${shortMessage(error)}`);
}
