// Function Compute 3.0's CreateTrigger, GetTrigger and UpdateTrigger for HTTP triggers, strictly:
// - CreateTrigger: POST /2023-03-30/functions/{functionName}/triggers with {triggerName, triggerType,
//   triggerConfig, qualifier?}; an existing name is 409 TriggerAlreadyExists
//   (https://www.alibabacloud.com/help/en/functioncompute/api-fc-2023-03-30-createtrigger).
// - Trigger names: letters, digits, '_' and '-', not starting with a digit or '-', 1-128
//   (https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-fc3-trigger).
// - triggerConfig is a JSON string; for http: authType anonymous | function | jwt, methods, and for jwt an
//   authConfig JSON string with the public JWKS and TokenLookup (the SDK's HTTPTriggerConfig model;
//   https://www.alibabacloud.com/help/en/functioncompute/fc/user-guide/configure-jwt-authentication-for-an-http-trigger).
// - GetTrigger/UpdateTrigger: GET/PUT …/triggers/{triggerName}; a missing one is 404 TriggerNotFound.
//   UpdateTrigger changes triggerConfig, qualifier, description, invocationRole, never the type.
// The answer carries httpTrigger.urlInternet: here a path of this emulator (http-trigger-endpoint.ts).
// ListTriggers and DeleteTrigger stay in fc-cleanup-api.ts, over the same stored triggers.
import { randomUUID } from "node:crypto";
import type { Json } from "../json.ts";
import { AcsError, acs } from "./errors.ts";
import { fieldsOf } from "./request-body.ts";
import type { AlibabaState } from "./state.ts";

export interface TriggerCall {
  operation: "CreateTrigger" | "GetTrigger" | "UpdateTrigger";
  name: string;
  trigger?: string;
}

export const TRIGGER_MUTATING = ["CreateTrigger", "UpdateTrigger"];
export const HTTP_TRIGGER_PREFIX = "/fc-http";

const TRIGGER_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const AUTH_TYPES = ["anonymous", "function", "jwt"];
const METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"];
const CREATE_FIELDS = [
  "triggerName",
  "triggerType",
  "triggerConfig",
  "qualifier",
  "description",
  "invocationRole",
  "sourceArn",
];
// ClaimPassBy entries as the SDK's HTTPTriggerConfig model shows them ("query:uid:uid,header:name:name"):
// where the claim goes, the claim, and the name it is forwarded under.
export const CLAIM_PASS_BY = /^(header|query):[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]{1,64}$/;
const UPDATE_FIELDS = ["triggerConfig", "qualifier", "description", "invocationRole"];

export function triggerOperation(method: string, path: string): TriggerCall | undefined {
  const match = /^\/2023-03-30\/functions\/([^/]+)\/triggers(?:\/([^/]+))?$/.exec(path);
  if (!match?.[1]) return undefined;
  const name = decodeURIComponent(match[1]);
  if (match[2] === undefined) return method === "POST" ? { operation: "CreateTrigger", name } : undefined;
  const trigger = decodeURIComponent(match[2]);
  if (method === "GET") return { operation: "GetTrigger", name, trigger };
  if (method === "PUT") return { operation: "UpdateTrigger", name, trigger };
  return undefined;
}

export function handleTrigger(
  state: AlibabaState,
  call: TriggerCall,
  body: Buffer,
  baseUrl: string,
  now: Date,
): Json {
  if (!state.functions.has(call.name)) throw acs.functionNotFound(call.name);
  const triggers = state.childrenOf("triggers", call.name);
  if (call.operation === "CreateTrigger") {
    const fields = fieldsOf(body, CREATE_FIELDS);
    const triggerName = String(fields.triggerName ?? "");
    if (!TRIGGER_NAME.test(triggerName))
      throw acs.invalidArgument(
        `triggerName '${triggerName}' is invalid: letters, digits, '_' and '-', not starting with a digit or '-', 1-128`,
      );
    if (fields.triggerType !== "http")
      throw acs.invalidArgument(`the emulator makes http triggers only, not ${String(fields.triggerType)}`);
    if (triggers.has(triggerName))
      throw new AcsError(409, "TriggerAlreadyExists", `trigger '${triggerName}' already exists`);
    checkHttpConfig(fields.triggerConfig);
    const trigger: Json = {
      triggerName,
      triggerType: "http",
      triggerId: randomUUID(),
      triggerConfig: fields.triggerConfig,
      qualifier: fields.qualifier ?? "LATEST",
      description: fields.description ?? "",
      invocationRole: fields.invocationRole ?? "",
      sourceArn: "",
      targetArn: `acs:fc:${state.region}:${state.accountId}:functions/${call.name}`,
      status: "",
      createdTime: now.toISOString(),
      lastModifiedTime: now.toISOString(),
    };
    triggers.set(triggerName, trigger);
    return view(trigger, call.name, baseUrl);
  }
  const trigger = triggers.get(call.trigger ?? "");
  if (!trigger) throw new AcsError(404, "TriggerNotFound", `trigger '${call.trigger}' does not exist`);
  if (call.operation === "GetTrigger") return view(trigger, call.name, baseUrl);
  const fields = fieldsOf(body, UPDATE_FIELDS);
  if (fields.triggerConfig !== undefined) checkHttpConfig(fields.triggerConfig);
  Object.assign(trigger, fields, { lastModifiedTime: now.toISOString() });
  return view(trigger, call.name, baseUrl);
}

function view(trigger: Json, functionName: string, baseUrl: string): Json {
  const url = `${baseUrl}${HTTP_TRIGGER_PREFIX}/${encodeURIComponent(functionName)}/${encodeURIComponent(String(trigger.triggerName))}`;
  return { ...trigger, httpTrigger: { urlInternet: url, urlIntranet: url } };
}

/** The HTTP trigger's triggerConfig, checked as FC checks it; returns it parsed. */
export function checkHttpConfig(text: unknown): {
  authType: string;
  methods: string[];
  disableURLInternet?: boolean;
  authConfig?: string;
} {
  if (typeof text !== "string") throw acs.invalidArgument("triggerConfig must be a JSON string");
  let config: { authType?: unknown; methods?: unknown; disableURLInternet?: unknown; authConfig?: unknown };
  try {
    config = JSON.parse(text);
  } catch {
    throw acs.invalidArgument("triggerConfig is not valid JSON");
  }
  if (typeof config.authType !== "string" || !AUTH_TYPES.includes(config.authType))
    throw acs.invalidArgument(`triggerConfig.authType must be one of ${AUTH_TYPES.join(", ")}`);
  if (
    !Array.isArray(config.methods) ||
    config.methods.length === 0 ||
    !config.methods.every((m) => METHODS.includes(String(m)))
  )
    throw acs.invalidArgument(`triggerConfig.methods must list methods from ${METHODS.join(", ")}`);
  if (config.disableURLInternet !== undefined && typeof config.disableURLInternet !== "boolean")
    throw acs.invalidArgument("triggerConfig.disableURLInternet must be a boolean");
  if (config.authType === "jwt") {
    if (typeof config.authConfig !== "string")
      throw acs.invalidArgument("authType jwt needs authConfig (a JSON string)");
    let auth: { JWKS?: { keys?: unknown }; TokenLookup?: unknown; ClaimPassBy?: unknown };
    try {
      auth = JSON.parse(config.authConfig);
    } catch {
      throw acs.invalidArgument("authConfig is not valid JSON");
    }
    if (!Array.isArray(auth.JWKS?.keys) || auth.JWKS.keys.length === 0)
      throw acs.invalidArgument("authConfig.JWKS must hold a keys list");
    if (typeof auth.TokenLookup !== "string" || auth.TokenLookup === "")
      throw acs.invalidArgument("authConfig.TokenLookup is required");
    if (
      auth.ClaimPassBy !== undefined &&
      (typeof auth.ClaimPassBy !== "string" ||
        !auth.ClaimPassBy.split(",").every((entry) => CLAIM_PASS_BY.test(entry.trim())))
    )
      throw acs.invalidArgument(
        "authConfig.ClaimPassBy must be comma-separated <header|query>:<claim>:<name>, such as header:aud:x-jwt-aud",
      );
  }
  return config as { authType: string; methods: string[] };
}
