import { Readable } from "node:stream";
import { UserError } from "../errors.ts";
import { type BackoffOptions, pollUntil } from "../retry/backoff.ts";
import { FC_WAIT_BACKOFF, FcCalls } from "./fc-calls.ts";
import { type FunctionSpec, functionFields } from "./function-spec.ts";
import {
  CreateFunctionInput,
  CreateFunctionRequest,
  type FcFunction,
  InvokeFunctionRequest,
  Tag,
  UpdateFunctionInput,
  UpdateFunctionRequest,
} from "./sdk.ts";

export interface WaitOptions {
  deadlineMs: number;
  signal?: AbortSignal | undefined;
  /** The step's logger: a line every 20 s while the wait lasts (see pollUntil). */
  progress?: BackoffOptions["progress"];
}

/** The FC 3.0 calls fc-deploy makes, with retries for 429/5xx/resets and nothing else. */
export class FunctionsApi extends FcCalls {
  /** `tags` (the run label) go on the new function; UpdateFunction has no tags, so updates keep them. */
  async create(spec: FunctionSpec, tags?: Record<string, string>): Promise<FcFunction | undefined> {
    const body = new CreateFunctionInput({
      functionName: spec.functionName,
      ...functionFields(spec),
      ...(tags ? { tags: Object.entries(tags).map(([key, value]) => new Tag({ key, value })) } : {}),
    });
    const response = await this.retrying(() =>
      this.client.createFunction(new CreateFunctionRequest({ body })),
    );
    return response.body;
  }

  async update(spec: FunctionSpec): Promise<FcFunction | undefined> {
    const body = new UpdateFunctionInput(functionFields(spec));
    const response = await this.retrying(() =>
      this.client.updateFunction(spec.functionName, new UpdateFunctionRequest({ body })),
    );
    return response.body;
  }

  /**
   * Polls GetFunction until the function is Active and its last update has finished; a Failed state
   * or update is the user's to fix and says why.
   */
  async waitUntilActive(name: string, options: WaitOptions): Promise<FcFunction> {
    let last: FcFunction | undefined;
    const { value } = await pollUntil(
      async () => {
        last = await this.get(name);
        if (!last) return undefined;
        if (last.state === "Failed")
          throw new UserError(
            `function ${name} failed to start (${last.stateReasonCode ?? "Failed"}): ${last.stateReason ?? "no reason given"}.`,
          );
        if (last.lastUpdateStatus === "Failed")
          throw new UserError(
            `the update of function ${name} failed (${last.lastUpdateStatusReasonCode ?? "Failed"}): ${last.lastUpdateStatusReason ?? "no reason given"}.`,
          );
        const updating = last.lastUpdateStatus === "InProgress";
        return last.state === "Active" && !updating ? last : undefined;
      },
      {
        ...FC_WAIT_BACKOFF,
        deadlineMs: options.deadlineMs,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.progress ? { progress: options.progress } : {}),
        describe: () =>
          `waiting for function ${name} to become Active (state ${last?.state ?? "unknown"}, last update ${last?.lastUpdateStatus ?? "unknown"})`,
      },
    );
    if (!value) {
      throw new UserError(
        `function ${name} is still ${last?.state ?? "missing"} (last update ${last?.lastUpdateStatus ?? "unknown"}) after ${Math.round(options.deadlineMs / 1000)} s: check the function in the FC console.`,
      );
    }
    return value;
  }

  /** A synchronous invocation; returns the function's response body and whether the function itself failed. */
  async invoke(
    name: string,
    payload: string,
    /** A version or alias to run instead of LATEST. */
    qualifier?: string,
  ): Promise<{ body: string; status: number; functionError?: string }> {
    // Synchronous is FC's default invocation type: the call returns the function's response.
    const response = await this.client.invokeFunction(
      name,
      new InvokeFunctionRequest({
        body: Readable.from([Buffer.from(payload, "utf8")]),
        ...(qualifier ? { qualifier } : {}),
      }),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of response.body ?? Readable.from([]))
      chunks.push(Buffer.from(chunk as Uint8Array));
    const functionError = response.headers?.["x-fc-error-type"];
    return {
      body: Buffer.concat(chunks).toString("utf8"),
      status: response.statusCode ?? 0,
      ...(functionError ? { functionError } : {}),
    };
  }
}
