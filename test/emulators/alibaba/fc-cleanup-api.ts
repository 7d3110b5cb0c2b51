// Function Compute 3.0's listing and deleting calls, as a teardown makes them:
// ListFunctions with its prefix, tags, limit (1-100) and nextToken
// (https://www.alibabacloud.com/help/en/functioncompute/fc/developer-reference/api-fc-2023-03-30-listfunctions),
// DeleteFunction (DELETE /2023-03-30/functions/{functionName}, no body:
// https://help.aliyun.com/zh/functioncompute/developer-reference/api-fc-2023-03-30-deletefunction), and the
// triggers, aliases and versions a function must lose first. FC refuses to delete a function that still has
// them ("Before you delete a function, you must delete triggers of the function":
// https://www.alibabacloud.com/help/en/functioncompute/api-fc-open-2021-04-06-deletefunction); the error code
// is FC's FunctionNotEmpty (its SDKs' error list, aliyun/fc-python-sdk fc2/fc_exceptions.py), and Serverless
// Devs' fc3 `remove` deletes triggers, aliases and versions, in that order, before the function.
import type { Json } from "../json.ts";
import { AcsError, acs } from "./errors.ts";
import type { AlibabaState } from "./state.ts";

const PREFIX = "/2023-03-30/functions";
const CHILDREN = { triggers: "Triggers", aliases: "Aliases", versions: "FunctionVersions" } as const;
const CHILD_OPERATIONS = {
  triggers: { list: "ListTriggers", delete: "DeleteTrigger", missing: "TriggerNotFound" },
  aliases: { list: "ListAliases", delete: "DeleteAlias", missing: "AliasNotFound" },
  versions: { list: "ListFunctionVersions", delete: "DeleteFunctionVersion", missing: "VersionNotFound" },
} as const;
type ChildKind = keyof typeof CHILDREN;

export interface CleanupCall {
  operation: string;
  name?: string;
  kind?: ChildKind;
  child?: string;
}

export const CLEANUP_MUTATING = ["DeleteFunction", "DeleteTrigger", "DeleteAlias", "DeleteFunctionVersion"];

/** The operation of a listing or deleting request, or undefined when it is none of them. */
export function cleanupOperation(method: string, path: string): CleanupCall | undefined {
  if (path === PREFIX) return method === "GET" ? { operation: "ListFunctions" } : undefined;
  const match = /^\/2023-03-30\/functions\/([^/]+)(?:\/(triggers|aliases|versions)(?:\/([^/]+))?)?$/.exec(
    path,
  );
  if (!match?.[1]) return undefined;
  const name = decodeURIComponent(match[1]);
  const kind = match[2] as ChildKind | undefined;
  if (!kind) return method === "DELETE" ? { operation: "DeleteFunction", name } : undefined;
  const operations = CHILD_OPERATIONS[kind];
  if (match[3] === undefined)
    return method === "GET" ? { operation: operations.list, name, kind } : undefined;
  const child = decodeURIComponent(match[3]);
  return method === "DELETE" ? { operation: operations.delete, name, kind, child } : undefined;
}

export function handleCleanup(
  state: AlibabaState,
  call: CleanupCall,
  query: URLSearchParams,
): { status: number; body: Json } {
  if (call.operation === "ListFunctions") return { status: 200, body: listFunctions(state, query) };
  const name = call.name ?? "";
  if (!state.functions.has(name)) throw acs.functionNotFound(name);
  if (call.operation === "DeleteFunction") {
    const left = (Object.keys(CHILDREN) as ChildKind[]).filter(
      (kind) => state.childrenOf(kind, name).size > 0,
    );
    if (left.length > 0) {
      throw new AcsError(
        409,
        "FunctionNotEmpty",
        `function '${name}' still has ${left.join(", ")}; delete them before the function`,
      );
    }
    state.functions.delete(name);
    for (const kind of Object.keys(CHILDREN) as ChildKind[]) state.functionChildren[kind].delete(name);
    return { status: 204, body: {} };
  }
  const kind = call.kind as ChildKind;
  const children = state.childrenOf(kind, name);
  if (call.child === undefined) {
    const page = pageOf([...children.values()], query);
    return { status: 200, body: { [kind]: page.items, ...(page.next ? { nextToken: page.next } : {}) } };
  }
  if (!children.delete(call.child)) {
    throw new AcsError(
      404,
      CHILD_OPERATIONS[kind].missing,
      `${kind.slice(0, -1)} '${call.child}' does not exist`,
    );
  }
  return { status: 204, body: {} };
}

function listFunctions(state: AlibabaState, query: URLSearchParams): Json {
  const prefix = query.get("prefix") ?? "";
  const wanted = tagsFilter(query.get("tags"));
  const matching = [...state.functions.values()]
    .map((stored) => stored.body)
    .filter((fn) => String(fn.functionName).startsWith(prefix))
    .filter((fn) => {
      const tags = Array.isArray(fn.tags) ? (fn.tags as { Key?: string; Value?: string }[]) : [];
      return wanted.every((want) =>
        tags.some((tag) => tag.Key === want.key && (tag.Value ?? "") === want.value),
      );
    })
    .sort((a, b) => String(a.functionName).localeCompare(String(b.functionName)));
  const page = pageOf(matching, query);
  return { functions: page.items, ...(page.next ? { nextToken: page.next } : {}) };
}

/** The tags filter as the SDK sends it: a JSON array of {Key, Value}. */
function tagsFilter(text: string | null): { key: string; value: string }[] {
  if (text === null || text === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw acs.invalidArgument("tags must be a JSON array of {Key, Value}");
  }
  if (!Array.isArray(parsed) || parsed.length > 20) {
    throw acs.invalidArgument("tags must be a JSON array of at most 20 {Key, Value}");
  }
  return parsed.map((tag: { Key?: unknown; Value?: unknown }) => {
    if (typeof tag?.Key !== "string" || tag.Key === "") throw acs.invalidArgument("every tag needs a Key");
    return { key: tag.Key, value: typeof tag.Value === "string" ? tag.Value : "" };
  });
}

function pageOf<T>(items: T[], query: URLSearchParams): { items: T[]; next?: string } {
  const limitText = query.get("limit");
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw acs.invalidArgument("limit must be from 1 to 100");
  }
  const token = query.get("nextToken");
  const start = token ? Number(Buffer.from(token, "base64").toString("utf8")) : 0;
  if (!Number.isInteger(start) || start < 0) throw acs.invalidArgument("nextToken is invalid");
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  return end < items.length
    ? { items: page, next: Buffer.from(String(end)).toString("base64") }
    : { items: page };
}

/** Seeds what FC's CreateTrigger, CreateAlias and PublishFunctionVersion would have made. */
export function addFunctionChild(
  state: AlibabaState,
  kind: ChildKind,
  functionName: string,
  id: string,
  fields: Json = {},
): void {
  if (!state.functions.has(functionName)) throw new Error(`no function ${functionName}`);
  const idField = kind === "triggers" ? "triggerName" : kind === "aliases" ? "aliasName" : "versionId";
  state.childrenOf(kind, functionName).set(id, { [idField]: id, ...fields });
}
