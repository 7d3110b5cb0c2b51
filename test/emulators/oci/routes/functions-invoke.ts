// Functions invoke (POST {invokeEndpoint}/20181201/functions/{id}/actions/invoke). The image must
// be pullable from the real registry on a cold start, else 502 FunctionInvokeImageNotAvailable
// "Failed to pull function image", as OCI answers; then the function's code runs behind the Fn
// FDK contract and its response (status, headers such as Fn-Http-Status, body) comes back.
// The body is not required to be signed: OCI's Java SDK and the Fn CLI send it unsigned, while
// the TypeScript SDK signs it, and then the hash is still verified.
import { words } from "../../word-list.ts";
import { visible } from "../caller-scope.ts";
import { incorrectState, notAuthorizedOrNotFound, OciHttpError } from "../errors.ts";
import { CallTimeoutError, ContainerInitError, type FdkResponse } from "../fn-runtime/fdk-container.ts";
import type { ApplicationRecord, FunctionRecord } from "../functions-store.ts";
import { canPull, repositoryOf } from "../image-lookup.ts";
import { type RouteContext, type RouteResponse, routeTable } from "../router.ts";
import type { OciRuntime } from "../runtime.ts";
import type { OciState } from "../state.ts";

export const IMAGE_NOT_AVAILABLE_MESSAGE = "Failed to pull function image";

// Headers the platform owns on the way back; the rest of the function's response passes through.
const DROPPED_RESPONSE_HEADERS = new Set(
  words(`connection keep-alive transfer-encoding content-length date`),
);
// Request headers a function sees (the rest are the caller's OCI signature and transport).
const FORWARDED_REQUEST_HEADERS = ["content-type", "fn-intent", "fn-invoke-type", "accept"];

async function invokeFunction(context: RouteContext): Promise<RouteResponse> {
  const fn = visible(context, context.state.fn.functions.get(context.params.functionId ?? ""));
  if (header(context, "is-dry-run") === "true") {
    prepareCall(context.state, fn);
    return { status: 200, body: Buffer.alloc(0) };
  }
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = header(context, name);
    if (value !== undefined) headers[name] = value;
  }
  return callFunction(context.state, context.runtime, fn, { body: context.body, headers });
}

function prepareCall(state: OciState, fn: FunctionRecord): ApplicationRecord {
  state.fn.settle(fn);
  if (fn.lifecycleState !== "ACTIVE") throw incorrectState(`Function ${fn.id} is ${fn.lifecycleState}.`);
  const application = state.fn.applications.get(fn.applicationId);
  if (!application) throw notAuthorizedOrNotFound();
  return application;
}

/**
 * Runs one call of `fn` as OCI's invoke does (pull on a cold start, FDK call, OCI's error
 * answers). The API Gateway data plane calls this too, with Fn-Intent: httprequest headers.
 */
export async function callFunction(
  state: OciState,
  runtime: OciRuntime,
  fn: FunctionRecord,
  call: { body: Buffer; headers: Record<string, string> },
): Promise<RouteResponse> {
  const application = prepareCall(state, fn);
  const codeDir = state.fn.codeDirFor(repositoryOf(fn.image));
  // Like Fn, only a cold start pulls; a hot container keeps running what it was started with.
  if (!(await runtime.runner.isWarm(fn, application, codeDir))) {
    if (!(await canPull(runtime.registry, fn.image, fn.imageDigest))) {
      throw new OciHttpError(502, "FunctionInvokeImageNotAvailable", IMAGE_NOT_AVAILABLE_MESSAGE);
    }
  }
  return runFunction(runtime, fn, application, codeDir, call);
}

async function runFunction(
  runtime: OciRuntime,
  fn: FunctionRecord,
  application: ApplicationRecord,
  codeDir: string,
  call: { body: Buffer; headers: Record<string, string> },
): Promise<RouteResponse> {
  let response: FdkResponse;
  try {
    response = await runtime.runner.invoke(fn, application, codeDir, {
      body: call.body,
      headers: call.headers,
      deadline: new Date(Date.now() + fn.timeoutInSeconds * 1000),
    });
  } catch (error) {
    throw invokeError(error);
  }
  // The FDK answers 502 when the handler threw and 504 when it ran out of time: OCI reports both
  // in its own words rather than passing the FDK's body through.
  if (response.status === 502)
    throw new OciHttpError(502, "FunctionInvokeExecutionFailed", "function failed");
  if (response.status === 504) throw new OciHttpError(504, "FunctionInvokeTimeout", "Timed out");
  const passed: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (!DROPPED_RESPONSE_HEADERS.has(name)) passed[name] = value;
  }
  return { status: response.status, headers: passed, body: response.body };
}

function invokeError(error: unknown): OciHttpError {
  if (error instanceof CallTimeoutError) return new OciHttpError(504, "FunctionInvokeTimeout", "Timed out");
  if (error instanceof ContainerInitError) {
    console.error(`oci emulator: function container failed to start: ${error.message}`);
    return new OciHttpError(
      502,
      "FunctionInvokeContainerInitFail",
      "Container failed to initialize, please ensure you are using the latest fdk and check the logs",
    );
  }
  console.error("oci emulator: function call failed", error);
  return new OciHttpError(502, "FunctionInvokeExecutionFailed", "error receiving function response");
}

function header(context: RouteContext, name: string): string | undefined {
  const value = context.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

export const functionsInvokeRoutes = routeTable([
  [
    "POST",
    "/20181201/functions/{functionId}/actions/invoke",
    "InvokeFunction",
    invokeFunction,
    { bodyMustBeSigned: false, plane: "data" },
  ],
]);
