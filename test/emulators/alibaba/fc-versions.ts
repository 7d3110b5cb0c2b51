// Function Compute 3.0's versions and aliases, as a rollout uses them:
// - PublishFunctionVersion: POST /2023-03-30/functions/{functionName}/versions with {description?}; the
//   version is a snapshot of the function's code and configuration, numbered 1, 2, … per function
//   (https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/developer-reference/api-fc-2023-03-30-publishfunctionversion).
//   ListFunctionVersions and DeleteFunctionVersion stay in fc-cleanup-api.ts.
// - CreateAlias: POST …/aliases with {aliasName, versionId, description?, additionalVersionWeight?}
//   (https://www.alibabacloud.com/help/en/functioncompute/fc/developer-reference/api-fc-2023-03-30-struct-createaliasinput);
//   GetAlias GET …/aliases/{aliasName}; UpdateAlias PUT …/aliases/{aliasName} with {versionId?,
//   description?, additionalVersionWeight?}. additionalVersionWeight maps one canary version to the share of
//   invocations it takes, 0 to 1; the rest go to versionId
//   (https://www.alibabacloud.com/help/doc-detail/191164.htm).
// - A qualifier (InvokeFunction's ?qualifier=, a trigger's qualifier) is LATEST, a version ID or an alias.
import type { Json } from "../json.ts";
import { AcsError, acs } from "./errors.ts";
import { fieldsOf } from "./request-body.ts";
import type { AlibabaState, StoredFunction } from "./state.ts";

export interface VersionCall {
  operation: "PublishFunctionVersion" | "CreateAlias" | "GetAlias" | "UpdateAlias";
  name: string;
  alias?: string;
}

export const VERSION_MUTATING = ["PublishFunctionVersion", "CreateAlias", "UpdateAlias"];

const ALIAS_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

export function versionOperation(method: string, path: string): VersionCall | undefined {
  const match = /^\/2023-03-30\/functions\/([^/]+)\/(versions|aliases)(?:\/([^/]+))?$/.exec(path);
  if (!match?.[1]) return undefined;
  const name = decodeURIComponent(match[1]);
  if (match[2] === "versions")
    return match[3] === undefined && method === "POST"
      ? { operation: "PublishFunctionVersion", name }
      : undefined;
  if (match[3] === undefined) return method === "POST" ? { operation: "CreateAlias", name } : undefined;
  const alias = decodeURIComponent(match[3]);
  if (method === "GET") return { operation: "GetAlias", name, alias };
  if (method === "PUT") return { operation: "UpdateAlias", name, alias };
  return undefined;
}

export function handleVersionCall(state: AlibabaState, call: VersionCall, body: Buffer, now: Date): Json {
  const stored = state.functions.get(call.name);
  if (!stored) throw acs.functionNotFound(call.name);
  const versions = state.childrenOf("versions", call.name);
  const aliases = state.childrenOf("aliases", call.name);
  if (call.operation === "PublishFunctionVersion") {
    const fields = fieldsOf(body, ["description"], {});
    const next = Math.max(0, ...[...versions.keys()].map(Number)) + 1;
    const version: Json = {
      versionId: String(next),
      description: String(fields.description ?? ""),
      createdTime: now.toISOString(),
      lastModifiedTime: now.toISOString(),
    };
    versions.set(String(next), version);
    state.versionSnapshots.set(snapshotKey(call.name, String(next)), {
      body: structuredClone(stored.body),
      ...(stored.zip ? { zip: stored.zip } : {}),
    });
    return version;
  }
  if (call.operation === "CreateAlias") {
    const fields = fieldsOf(body, ["aliasName", "versionId", "description", "additionalVersionWeight"], {});
    const aliasName = String(fields.aliasName ?? "");
    if (!ALIAS_NAME.test(aliasName) || aliasName === "LATEST")
      throw acs.invalidArgument(`aliasName '${aliasName}' is invalid`);
    if (aliases.has(aliasName))
      throw new AcsError(409, "AliasAlreadyExists", `alias '${aliasName}' already exists`);
    const alias: Json = {
      aliasName,
      versionId: checkedVersion(versions, fields.versionId),
      description: String(fields.description ?? ""),
      additionalVersionWeight: checkedWeights(versions, fields.additionalVersionWeight, fields.versionId),
      createdTime: now.toISOString(),
      lastModifiedTime: now.toISOString(),
    };
    aliases.set(aliasName, alias);
    return alias;
  }
  const alias = aliases.get(call.alias ?? "");
  if (!alias) throw new AcsError(404, "AliasNotFound", `alias '${call.alias}' does not exist`);
  if (call.operation === "GetAlias") return alias;
  const fields = fieldsOf(body, ["versionId", "description", "additionalVersionWeight"], {});
  const versionId =
    fields.versionId === undefined ? alias.versionId : checkedVersion(versions, fields.versionId);
  Object.assign(alias, {
    versionId,
    ...(fields.description === undefined ? {} : { description: String(fields.description) }),
    ...(fields.additionalVersionWeight === undefined
      ? {}
      : { additionalVersionWeight: checkedWeights(versions, fields.additionalVersionWeight, versionId) }),
    lastModifiedTime: now.toISOString(),
  });
  return alias;
}

/**
 * What a qualifier runs: LATEST is the function as it is now, a version its snapshot, an alias its
 * version, or its canary version for that version's share of invocations (`pick` in [0, 1)).
 */
export function resolveQualifier(
  state: AlibabaState,
  name: string,
  qualifier: string,
  pick: number = Math.random(),
): Pick<StoredFunction, "body" | "zip"> {
  const stored = state.functions.get(name);
  if (!stored) throw acs.functionNotFound(name);
  if (qualifier === "" || qualifier === "LATEST") return stored;
  let versionId = qualifier;
  const alias = state.functionChildren.aliases.get(name)?.get(qualifier);
  if (alias) {
    versionId = String(alias.versionId);
    let share = 0;
    for (const [canary, weight] of Object.entries(
      (alias.additionalVersionWeight ?? {}) as Record<string, number>,
    )) {
      share += weight;
      if (pick < share) {
        versionId = canary;
        break;
      }
    }
  }
  const snapshot = state.versionSnapshots.get(snapshotKey(name, versionId));
  if (!snapshot)
    throw new AcsError(404, "VersionNotFound", `qualifier '${qualifier}' names no version or alias`);
  return snapshot;
}

function snapshotKey(name: string, versionId: string): string {
  return `${name}\u0000${versionId}`;
}

function checkedVersion(versions: Map<string, Json>, value: unknown): string {
  const id = String(value ?? "");
  if (!versions.has(id)) throw new AcsError(404, "VersionNotFound", `version '${id}' does not exist`);
  return id;
}

function checkedWeights(versions: Map<string, Json>, value: unknown, main: unknown): Json {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw acs.invalidArgument("additionalVersionWeight must map a version ID to a weight");
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 1) throw acs.invalidArgument("additionalVersionWeight takes one canary version");
  for (const [id, weight] of entries) {
    checkedVersion(versions, id);
    if (id === String(main)) throw acs.invalidArgument("the canary version must differ from versionId");
    if (typeof weight !== "number" || !(weight >= 0 && weight <= 1))
      throw acs.invalidArgument("a canary weight is a number from 0 to 1");
  }
  return value as Json;
}
