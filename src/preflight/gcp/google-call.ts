import type { AuthClient } from "google-auth-library";
import { describeError } from "../../errors.ts";

/** What a failed Google REST call answered: the HTTP status, google.rpc.ErrorInfo's reason, the message. */
export interface GoogleAnswer {
  status?: number;
  reason?: string;
  message: string;
}

/** A read-only JSON call (GET, or a testIamPermissions POST) with the deployer's access token. */
export async function googleJson<T>(
  auth: AuthClient,
  url: string,
  body?: Record<string, unknown>,
): Promise<T> {
  const response = await auth.request<T>({
    url,
    method: body ? "POST" : "GET",
    ...(body ? { data: body } : {}),
    // Preflight asks once: a refusal is an answer to report, not something to retry.
    retry: false,
  });
  return response.data;
}

/** The parts of a gaxios error (or the Cloud Run client's) a check decides on. */
export function googleAnswer(error: unknown): GoogleAnswer {
  const response = (error as { response?: { status?: number; data?: unknown } } | undefined)?.response;
  const data = response?.data as
    | { error?: { message?: string; details?: { reason?: string }[] } }
    | undefined;
  const reason =
    data?.error?.details?.find((detail) => typeof detail?.reason === "string")?.reason ??
    (typeof (error as { reason?: unknown })?.reason === "string"
      ? (error as { reason: string }).reason
      : undefined);
  const message = (data?.error?.message ?? describeError(error)).replace(/\s+/g, " ").slice(0, 300);
  return {
    ...(response?.status !== undefined ? { status: response.status } : {}),
    ...(reason ? { reason } : {}),
    message,
  };
}

/** A failure in a few words for a row: "403 SERVICE_DISABLED: …", or the network error. */
export function answerText(answer: GoogleAnswer): string {
  const head = [answer.status, answer.reason].filter((part) => part !== undefined).join(" ");
  return head ? `${head}: ${answer.message}` : answer.message;
}
