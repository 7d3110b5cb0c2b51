import { describeError, UserError } from "../../errors.ts";
import { pollUntil } from "../../retry/backoff.ts";

export interface FormPost {
  url: string;
  /** Name/value pairs keep repeated parameters (OCI's one `scope` per scope). */
  form: Record<string, string> | [string, string][];
  /** `Basic base64(id:secret)` when the client authenticates with a secret. */
  basicAuth?: { id: string; secret: string };
  /** The input that names this endpoint, for the message when it cannot be reached. */
  inputName: string;
  signal?: AbortSignal;
  deadlineMs?: number;
}

export interface FormAnswer {
  status: number;
  text: string;
}

const RETRIED = new Set([429, 500, 502, 503, 504]);

/**
 * POSTs an OAuth form and returns the final answer. Throttling, server errors and dropped connections
 * are retried with jittered backoff until the deadline; any other status is the endpoint's final word
 * (a 400/401 will not change by asking again) and is returned for the caller to explain.
 */
export async function postTokenForm(post: FormPost): Promise<FormAnswer> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
    accept: "application/json",
  };
  if (post.basicAuth) {
    // Raw, as OCI documents it (curl --user '<OCID>:<secret>'): generated secrets may hold '{' and
    // similar, which RFC 6749's form-encoding would change into something OCI does not compare equal.
    const pair = `${post.basicAuth.id}:${post.basicAuth.secret}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
  }
  let lastFailure = "";
  const { value } = await pollUntil<FormAnswer>(
    async () => {
      try {
        const response = await fetch(post.url, {
          method: "POST",
          headers,
          body: new URLSearchParams(post.form).toString(),
          ...(post.signal ? { signal: post.signal } : {}),
        });
        const text = await response.text();
        if (!RETRIED.has(response.status)) return { status: response.status, text };
        lastFailure = `HTTP ${response.status}`;
        return undefined;
      } catch (error) {
        if (post.signal?.aborted) throw error;
        lastFailure = describeError(error);
        return undefined;
      }
    },
    {
      initialDelayMs: 500,
      maxDelayMs: 4000,
      deadlineMs: post.deadlineMs ?? 20_000,
      ...(post.signal ? { signal: post.signal } : {}),
      describe: () => `POST ${post.url}`,
    },
  );
  if (value) return value;
  throw new UserError(
    `${post.inputName}: ${new URL(post.url).origin} did not answer usefully (${lastFailure}); check the URL and the runner's network, then re-run.`,
  );
}
