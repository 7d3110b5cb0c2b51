// Functions management API: functions. Create and update validate CreateFunctionDetails and
// UpdateFunctionDetails as OCI does (unknown fields, types, memory 128-3072 MB, timeout 5-300 s),
// pin the image digest from the registry, refuse an image that does not fit the application's shape
// (image-shape.ts), and start a CREATING/UPDATING -> ACTIVE transition.
// Update honours if-match (412 on a stale etag) and refuses a function that is not ACTIVE.
import { parseImageReference } from "../../registry/image-reference.ts";
import {
  optionalConfig,
  optionalInteger,
  optionalObject,
  optionalStringMap,
  rejectUnknownFields,
} from "../body-fields.ts";
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
import { optionalString, parseJsonObject, requiredString } from "../json-body.ts";
import { pageResponse, type RouteContext, type RouteResponse, routeTable, withEtag } from "../router.ts";
import { definedTagsOnCreate } from "../tag-defaults.ts";
import { functionsListPage } from "./functions-applications.ts";

const TAG_FIELDS = ["freeformTags", "definedTags"];
const UPDATE_FIELDS = [
  "image",
  "imageDigest",
  "memoryInMBs",
  "config",
  "timeoutInSeconds",
  ...TAG_FIELDS,
  ...PASSTHROUGH_FUNCTION_FIELDS.filter((name) => name !== "sourceDetails"),
];
const CREATE_FIELDS = ["displayName", "applicationId", "sourceDetails", ...UPDATE_FIELDS];
const MEMORY = { min: 128, max: 3072 };
const TIMEOUT = { min: 5, max: 300 };
const DIGEST = /^sha256:[a-f0-9]{64}$/;

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
  const body = parseJsonObject(context.body);
  rejectUnknownFields(body, CREATE_FIELDS, "CreateFunctionDetails");
  const displayName = requiredString(body, "displayName");
  if (displayName.length > 255) throw invalidParameter("displayName must be at most 255 characters.");
  const applicationId = requiredString(body, "applicationId");
  if (body.sourceDetails !== undefined && body.sourceDetails !== null) {
    throw invalidParameter(
      "sourceDetails (pre-built functions) is not supported by the emulator; send image.",
    );
  }
  if (body.memoryInMBs === undefined || body.memoryInMBs === null)
    throw missingParameter("memoryInMBs is required.");
  const fields = readFunctionFields(body);
  if (fields.image === undefined) throw missingParameter("image is required.");
  const application = visible(context, context.state.fn.applications.get(applicationId));
  const imageDigest = fields.imageDigest ?? (await currentDigest(context.runtime.registry, fields.image));
  await requireImageFitsShape(context.runtime.registry, fields.image, imageDigest, application.shape);
  const fn = context.state.fn.createFunction({
    applicationId,
    displayName,
    image: fields.image,
    imageDigest,
    memoryInMBs: fields.memoryInMBs ?? MEMORY.min,
    timeoutInSeconds: fields.timeoutInSeconds,
    config: fields.config,
    freeformTags: fields.freeformTags,
    definedTags: definedTagsOnCreate(context, fields.definedTags),
    passthrough: fields.passthrough ?? {},
  });
  return functionResponse(context, fn);
}

async function updateFunction(context: RouteContext): Promise<RouteResponse> {
  const fn = visible(context, context.state.fn.functions.get(context.params.functionId ?? ""));
  const body = parseJsonObject(context.body);
  rejectUnknownFields(body, UPDATE_FIELDS, "UpdateFunctionDetails");
  const changes = readFunctionFields(body);
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

/** The fields create and update share, type- and range-checked; only those present are returned. */
function readFunctionFields(body: Record<string, unknown>): FunctionChanges {
  const changes: FunctionChanges = {};
  const image = optionalString(body, "image");
  if (image !== undefined) {
    try {
      parseImageReference(image);
    } catch (error) {
      throw invalidParameter(
        `image ${JSON.stringify(image)} is not a valid image reference: ${(error as Error).message}.`,
      );
    }
    changes.image = image;
  }
  const imageDigest = optionalString(body, "imageDigest");
  if (imageDigest !== undefined) {
    if (!DIGEST.test(imageDigest))
      throw invalidParameter("imageDigest must look like sha256:<64 hex digits>.");
    changes.imageDigest = imageDigest;
  }
  const memoryInMBs = optionalInteger(body, "memoryInMBs", MEMORY);
  if (memoryInMBs !== undefined) changes.memoryInMBs = memoryInMBs;
  const timeoutInSeconds = optionalInteger(body, "timeoutInSeconds", TIMEOUT);
  if (timeoutInSeconds !== undefined) changes.timeoutInSeconds = timeoutInSeconds;
  const config = optionalConfig(body, "config");
  if (config !== undefined) changes.config = config;
  const freeformTags = optionalStringMap(body, "freeformTags");
  if (freeformTags !== undefined) changes.freeformTags = freeformTags;
  const definedTags = optionalObject(body, "definedTags");
  if (definedTags !== undefined) changes.definedTags = definedTags;
  const passthrough: Record<string, unknown> = {};
  for (const name of PASSTHROUGH_FUNCTION_FIELDS) {
    if (name === "detachedModeTimeoutInSeconds") {
      const value = optionalInteger(body, name, { min: 5, max: 3600 });
      if (value !== undefined) passthrough[name] = value;
      continue;
    }
    const value = optionalObject(body, name);
    if (value !== undefined) passthrough[name] = value;
  }
  if (Object.keys(passthrough).length > 0) changes.passthrough = passthrough;
  return changes;
}

export const functionRoutes = routeTable([
  ["GET", "/20181201/functions", "ListFunctions", listFunctions],
  ["POST", "/20181201/functions", "CreateFunction", createFunction],
  ["GET", "/20181201/functions/{functionId}", "GetFunction", getFunction],
  ["PUT", "/20181201/functions/{functionId}", "UpdateFunction", updateFunction],
  ["DELETE", "/20181201/functions/{functionId}", "DeleteFunction", deleteFunction],
]);
