import { describeError } from "../errors.ts";

/** The Alibaba error code of an SDK failure (ClientError/ServerError carry `code`), or "". */
export function errorCode(error: unknown): string {
  if (typeof error === "object" && error !== null && "code" in error) return String(error.code);
  return "";
}

/** The SDK's message is "code: <status>, <message> request id: <id>"; keep the part a person needs. */
export function shortMessage(error: unknown): string {
  const data = typeof error === "object" && error !== null && "data" in error ? error.data : undefined;
  const message =
    typeof data === "object" && data !== null && "Message" in data && typeof data.Message === "string"
      ? data.Message
      : typeof data === "object" && data !== null && "message" in data && typeof data.message === "string"
        ? data.message
        : describeError(error);
  return message.replace(/\s+/g, " ").slice(0, 300);
}
