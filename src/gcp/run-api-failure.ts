import { describeError, UserError } from "../errors.ts";
import { authFailure } from "./auth-failure.ts";

/** gRPC status codes the REST transport maps Google's answers to. */
export const CODE = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

/** 429, 5xx and resets: worth another try; everything else is an answer. */
export function isTransient(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) {
    const text = describeError(error);
    return /ECONNRESET|socket hang up|ETIMEDOUT|EPIPE|fetch failed/i.test(text);
  }
  return (
    code === CODE.RESOURCE_EXHAUSTED ||
    code === CODE.UNAVAILABLE ||
    code === CODE.INTERNAL ||
    code === CODE.DEADLINE_EXCEEDED
  );
}

export interface RunCallContext {
  /** What was being done, e.g. "deploy service hello". */
  action: string;
  project: string;
  region: string;
  image?: string;
  principal: string;
}

/** One line naming the input to fix for a Cloud Run Admin API failure. */
export function explainRunFailure(error: unknown, context: RunCallContext): Error {
  const disabled = serviceDisabled(error, context.project);
  if (disabled) return disabled;
  const auth = authFailure(error);
  if (auth) return auth;
  const code = codeOf(error);
  const detail = googleMessage(error);
  switch (code) {
    case CODE.PERMISSION_DENIED:
      if (/actAs/i.test(detail)) return actAsRefused(detail, context);
      return new UserError(
        `${context.principal} may not ${context.action} in project ${context.project} (${detail}): grant it roles/run.admin on the project (or roles/run.developer and roles/iam.serviceAccountUser on the runtime service account), and check project is the project ID.`,
      );
    case CODE.NOT_FOUND:
      return new UserError(
        `project ${context.project} or region ${context.region} was not found (${detail}): set project to the project ID (not its name or number) and region to a Cloud Run region such as asia-northeast1.`,
      );
    case CODE.UNAUTHENTICATED:
      return new UserError(
        `Cloud Run refused the access token for ${context.principal} (${detail}): check the credential inputs (credentials-json, or workload-identity-provider and service-account).`,
      );
    case CODE.INVALID_ARGUMENT:
      if (SECRET_DENIED.test(detail)) return secretDenied(detail);
      if (context.image !== undefined && /image/i.test(detail)) {
        return new UserError(
          `image ${context.image} was refused (${detail}): push it first and use its full path, e.g. asia-northeast1-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE:TAG, readable by the Cloud Run service agent.`,
        );
      }
      return new UserError(`Cloud Run refused to ${context.action} (${detail}).`);
    default:
      return error instanceof Error ? error : new Error(describeError(error));
  }
}

/**
 * Google's answer for an API the project has not enabled: 403 with a google.rpc.ErrorInfo whose reason
 * is SERVICE_DISABLED (google.api.ErrorReason), which the client surfaces as `reason` and
 * `errorInfoMetadata` (service, activationUrl). The fix is enabling the service in the project
 * (https://docs.cloud.google.com/service-usage/docs/troubleshooting).
 */
function serviceDisabled(error: unknown, project: string): UserError | undefined {
  const info = error as { reason?: unknown; errorInfoMetadata?: Record<string, string> } | undefined;
  if (info?.reason !== "SERVICE_DISABLED") return undefined;
  const service = info.errorInfoMetadata?.service ?? "run.googleapis.com";
  const url = info.errorInfoMetadata?.activationUrl;
  return new UserError(
    `project ${project} has not enabled ${service} (SERVICE_DISABLED): enable it with \`gcloud services enable ${service} --project ${project}\`${url ? ` or at ${url}` : ""}, wait a minute for it to take effect, and re-run.`,
  );
}

/** The server's own words, without the "7 PERMISSION_DENIED: " prefix the client adds. */
export function googleMessage(error: unknown): string {
  return describeError(error)
    .replace(/^\d+ [A-Z_]+: /, "")
    .slice(0, 300);
}

/** A runtime-service-account the deploying principal may not act as (or that does not exist). */
function actAsRefused(detail: string, context: RunCallContext): UserError {
  const account = /service account (\S+)/.exec(detail)?.[1] ?? "the runtime service account";
  return new UserError(
    `${context.principal} may not deploy a service that runs as ${account} (${detail}): check runtime-service-account names an existing account, and grant the deployer roles/iam.serviceAccountUser on it (gcloud iam service-accounts add-iam-policy-binding ${account} --member serviceAccount:${context.principal} --role roles/iam.serviceAccountUser).`,
  );
}

// Cloud Run checks at deploy time that the runtime account may read every secret the revision uses
// (https://cloud.google.com/run/docs/configuring/services/secrets).
const SECRET_DENIED =
  /Permission denied on secret: (\S+?)\/versions\/(\S+) for Revision service account (\S+?)\.(?:\s|$)/;

function secretDenied(detail: string): UserError {
  const [, secret = "", version = "", account = ""] = SECRET_DENIED.exec(detail) ?? [];
  const id = secret.split("/").pop() ?? secret;
  return new UserError(
    `the runtime service account ${account} may not read secret ${secret} (version ${version}), which secrets references: grant it roles/secretmanager.secretAccessor on the secret (gcloud secrets add-iam-policy-binding ${id} --member serviceAccount:${account} --role roles/secretmanager.secretAccessor), or fix secrets or runtime-service-account.`,
  );
}
