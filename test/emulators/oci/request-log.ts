// Every request the emulator answered, in order. Tests read it to prove behaviour a response
// cannot show: "re-running changed nothing" is "no mutating call in the log".

export interface RequestLogEntry {
  time: string;
  method: string;
  /** Path and query as received. */
  target: string;
  /** Route operation (e.g. "GetFunction"), undefined when no route matched. */
  operation: string | undefined;
  status: number;
  /** Signature keyId as sent, even when verification failed; undefined when unsigned. */
  keyId: string | undefined;
  /** Set when the request failed authentication: the same text as x-emulator-reason. */
  authFailure: string | undefined;
  /** "<status> <code>" when fault injection answered instead of the handler. */
  injectedFault: string | undefined;
  opcRequestId: string;
}

const READ_ONLY_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isMutating(entry: RequestLogEntry): boolean {
  return !READ_ONLY_METHODS.has(entry.method);
}
