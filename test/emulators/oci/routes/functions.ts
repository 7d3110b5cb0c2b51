// Functions management API: functions. Create and update validate CreateFunctionDetails and
// UpdateFunctionDetails as OCI does (unknown fields, types, memory 128-3072 MB, timeout 5-300 s),
// pin the image digest from the registry, refuse an image that does not fit the application's shape
// (image-shape.ts), and start a CREATING/UPDATING -> ACTIVE transition.
// Update honours if-match (412 on a stale etag) and refuses a function that is not ACTIVE.
import { parseImageReference } from "../../registry/image-reference.ts";
import { readBody, type Schema } from "../body-schema.ts";
import { requiredQuery, visible } from "../caller-scope.ts";
import { invalidParameter, missingParameter } from "../errors.ts";
import { checkIfMatch } from "../etag.ts";
import { functionModel, functionSummaryModel } from "../functions-models.ts";
import {
  type FunctionChanges,
  type FunctionRecord,
  PASSTHROUGH_FUNCTION_FIELDS,
} from "../functions-store.ts";
import { currentDigest } from "../image-lookup.ts";
import { requireImageFitsShape } from "../image-shape.ts";
import { pageResponse, type RouteContext, type RouteResponse, routeTable, withEtag } from "../router.ts";
import { definedTagsOnCreate } from "../tag-defaults.ts";
import { functionsListPage } from "./functions-applications.ts";

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const OBJECT = { type: "object" } as const;
const UPDATE_FUNCTION_DETAILS = {
  image: { type: "string", check: checkImageReference },
  imageDigest: { type: "string", check: checkDigest },
  memoryInMBs: { type: "integer", min: 128, max: 3072 },
  config: { type: "config" },
  timeoutInSeconds: { type: "integer", min: 5, max: 300 },
  freeformTags: { type: "stringMap" },
  definedTags: OBJECT,
  provisionedConcurrencyConfig: OBJECT,
  detachedModeTimeoutInSeconds: { type: "integer", min: 5, max: 3600 },
  failureDestination: OBJECT,
  successDestination: OBJECT,
  traceConfig: OBJECT,
} satisfies Schema;
const CREATE_FUNCTION_DETAILS = {
  displayName: { type: "string", required: true, maxLength: 255 },
  applicationId: { type: "string", required: true },
  sourceDetails: { type: "any" },
  ...UPDATE_FUNCTION_DETAILS,
  memoryInMBs: { ...UPDATE_FUNCTION_DETAILS.memoryInMBs, required: true },
} satisfies Schema;

function checkImageReference(image: string): void {
  try {
    parseImageReference(image);
  } catch (error) {
    throw invalidParameter(
      `image ${JSON.stringify(image)} is not a valid image reference: ${(error as Error).message}.`,
    );
  }
}

function checkDigest(digest: string): void {
  if (!DIGEST.test(digest)) throw invalidParameter("imageDigest must look like sha256:<64 hex digits>.");
}

/** What create and update share, with the fields OCI stores but the emulator does not interpret apart. */
function functionChanges(body: Partial<Record<string, unknown>>): FunctionChanges {
  const changes: Record<string, unknown> = {};
  const passthrough: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (!(name in UPDATE_FUNCTION_DETAILS) || value === undefined) continue;
    if ((PASSTHROUGH_FUNCTION_FIELDS as readonly string[]).includes(name)) passthrough[name] = value;
    else changes[name] = value;
  }
  if (Object.keys(passthrough).length > 0) changes.passthrough = passthrough;
  return changes as FunctionChanges;
}

export function functionResponse(context: RouteContext, fn: FunctionRecord): RouteResponse {
  return withEtag(functionModel(context.state.fn.settle(fn), shapeOf(context, fn), context.runtime.baseUrl));
}

function shapeOf(context: RouteContext, fn: FunctionRecord): string {
  return context.state.fn.applications.get(fn.applicationId)?.shape ?? "GENERIC_X86";
}

function listFunctions(context: RouteContext): RouteResponse {
  const applicationId = requiredQuery(context, "applicationId");
  visible(context, context.state.fn.applications.get(applicationId));
  const page = functionsListPage(context, "ListFunctions", applicationId, () =>
    [...context.state.fn.functions.values()]
      .filter((fn) => fn.applicationId === applicationId)
      .map((fn) => context.state.fn.settle(fn)),
  );
  const items = page.items.map((fn) =>
    functionSummaryModel(fn, shapeOf(context, fn), context.runtime.baseUrl),
  );
  return pageResponse(items, page.nextPage);
}

function getFunction(context: RouteContext): RouteResponse {
  return functionResponse(
    context,
    visible(context, context.state.fn.functions.get(context.params.functionId ?? "")),
  );
}

async function createFunction(context: RouteContext): Promise<RouteResponse> {
  const body = readBody(context.body, "CreateFunctionDetails", CREATE_FUNCTION_DETAILS);
  if (body.sourceDetails !== undefined) {
    throw invalidParameter(
      "sourceDetails (pre-built functions) is not supported by the emulator; send image.",
    );
  }
  const fields = functionChanges(body);
  if (fields.image === undefined) throw missingParameter("image is required.");
  const application = visible(context, context.state.fn.applications.get(body.applicationId ?? ""));
  const imageDigest = fields.imageDigest ?? (await currentDigest(context.runtime.registry, fields.image));
  await requireImageFitsShape(context.runtime.registry, fields.image, imageDigest, application.shape);
  const fn = context.state.fn.createFunction({
    ...fields,
    applicationId: application.id,
    displayName: body.displayName ?? "",
    image: fields.image,
    imageDigest,
    memoryInMBs: body.memoryInMBs ?? 128,
    definedTags: definedTagsOnCreate(context, fields.definedTags),
  });
  return functionResponse(context, fn);
}

async function updateFunction(context: RouteContext): Promise<RouteResponse> {
  const fn = visible(context, context.state.fn.functions.get(context.params.functionId ?? ""));
  const changes = functionChanges(readBody(context.body, "UpdateFunctionDetails", UPDATE_FUNCTION_DETAILS));
  const current = functionResponse(context, fn);
  checkIfMatch(context.headers, current.headers?.etag ?? "");
  // A new image (or the same tag pushed again) is re-pinned unless the caller pins a digest.
  if (changes.image !== undefined && changes.imageDigest === undefined) {
    changes.imageDigest = await currentDigest(context.runtime.registry, changes.image);
  }
  if (changes.image !== undefined || changes.imageDigest !== undefined) {
    await requireImageFitsShape(
      context.runtime.registry,
      changes.image ?? fn.image,
      changes.imageDigest ?? fn.imageDigest,
      shapeOf(context, fn),
    );
  }
  return functionResponse(context, context.state.fn.updateFunction(fn, changes));
}

/** DeleteFunction: 204, with if-match honoured; the function goes DELETING, then DELETED. */
function deleteFunction(context: RouteContext): RouteResponse {
  const fn = visible(context, context.state.fn.functions.get(context.params.functionId ?? ""));
  checkIfMatch(context.headers, functionResponse(context, fn).headers?.etag ?? "");
  context.state.fn.deleteFunction(fn);
  return { status: 204 };
}

export const functionRoutes = routeTable([
  ["GET", "/20181201/functions", "ListFunctions", listFunctions],
  ["POST", "/20181201/functions", "CreateFunction", createFunction],
  ["GET", "/20181201/functions/{functionId}", "GetFunction", getFunction],
  ["PUT", "/20181201/functions/{functionId}", "UpdateFunction", updateFunction],
  ["DELETE", "/20181201/functions/{functionId}", "DeleteFunction", deleteFunction],
]);
