import {
  checkPublicJwks,
  HTTP_METHODS,
  HTTP_TRIGGER_AUTHS,
  type HttpTriggerAuth,
} from "../alibaba/http-trigger.ts";
import { trustsEntraKeys } from "../alibaba/trigger-trust.ts";
import { UserError } from "../errors.ts";
import type { FcHttpTriggerInputs } from "../steps/fc-http-trigger.ts";
import { readTriggerClaims, refuseClaimsCheckWithout } from "./fc-trigger-claims.ts";
import type { InputReader } from "./reader.ts";

const SETTINGS = [
  "http-trigger-auth",
  "http-trigger-methods",
  "http-trigger-jwks",
  "http-trigger-jwks-url",
  "http-trigger-token-lookup",
  "http-trigger-claim-pass-by",
];

// FC 3.0 trigger names: letters, digits, '_' and '-', not starting with a digit or '-', 1-128 characters
// (https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-fc3-trigger).
const TRIGGER_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
// Where FC reads the token: header:<name>[:<prefix>], cookie:<name>, query:<name> or form:<name>,
// comma-separated, tried in order.
const LOOKUP =
  /^(header:[A-Za-z0-9-]{1,64}(:[A-Za-z0-9._-]{1,32})?|(cookie|query|form):[A-Za-z0-9._-]{1,64})$/;

/** The http-trigger inputs of fc-deploy (and fc-pipeline); undefined when no trigger is asked for. */
export function readFcHttpTrigger(read: InputReader): FcHttpTriggerInputs | undefined {
  const name = read.optional("http-trigger");
  if (name === undefined) {
    for (const setting of SETTINGS)
      read.field([setting, "http-trigger"], () => {
        if (read.optional(setting) !== undefined)
          throw new UserError(
            `${setting} applies to an HTTP trigger only: set http-trigger (its name) or remove ${setting}.`,
          );
      });
    refuseClaimsCheckWithout(read, "an HTTP trigger only: set http-trigger (its name) or remove it");
    return undefined;
  }
  read.field("http-trigger", () => {
    if (!TRIGGER_NAME.test(name))
      throw new UserError(
        `http-trigger must be 1-128 letters, digits, '_' or '-', not starting with a digit or '-', such as http; got ${JSON.stringify(name.slice(0, 80))}.`,
      );
  });
  const auth = read.field("http-trigger-auth", () => {
    const value = read.optional("http-trigger-auth") ?? "jwt";
    if (!(HTTP_TRIGGER_AUTHS as readonly string[]).includes(value))
      throw new UserError(
        `http-trigger-auth must be jwt (tokens checked against http-trigger-jwks), function (FC signature) or anonymous (anyone may call); got ${JSON.stringify(value.slice(0, 40))}.`,
      );
    return value as HttpTriggerAuth;
  });
  const methods = read.field("http-trigger-methods", () => methodList(read.optional("http-trigger-methods")));
  const tokenLookup = read.field("http-trigger-token-lookup", () =>
    lookupList(read.optional("http-trigger-token-lookup")),
  );
  const inputs: FcHttpTriggerInputs = { name, auth, methods, tokenLookup, functionChecksClaims: false };
  const jwksText = read.optional("http-trigger-jwks");
  const jwksUrl = read.optional("http-trigger-jwks-url");
  if (auth !== "jwt") {
    for (const setting of [
      "http-trigger-jwks",
      "http-trigger-jwks-url",
      "http-trigger-token-lookup",
      "http-trigger-claim-pass-by",
    ])
      read.field([setting, "http-trigger-auth"], () => {
        if (read.optional(setting) !== undefined)
          throw new UserError(
            `${setting} applies to http-trigger-auth jwt only: remove it, or set http-trigger-auth to jwt.`,
          );
      });
    refuseClaimsCheckWithout(read, "http-trigger-auth jwt only: remove it, or set http-trigger-auth to jwt");
    return inputs;
  }
  read.field(["http-trigger-jwks", "http-trigger-jwks-url"], () => {
    if (jwksText !== undefined && jwksUrl !== undefined)
      throw new UserError(
        "http-trigger-jwks and http-trigger-jwks-url are exclusive: give the keys or the URL they are read from, not both.",
      );
    if (jwksText === undefined && jwksUrl === undefined)
      throw new UserError(
        "http-trigger-jwks or http-trigger-jwks-url is required with http-trigger-auth jwt: the public keys that sign accepted tokens (Entra: https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys).",
      );
  });
  if (jwksText !== undefined)
    inputs.jwks = read.field("http-trigger-jwks", () =>
      checkPublicJwks(parseJson(jwksText), "http-trigger-jwks"),
    );
  if (jwksUrl !== undefined) inputs.jwksUrl = read.field("http-trigger-jwks-url", () => httpsUrl(jwksUrl));
  return { ...inputs, ...readTriggerClaims(read, trustsEntraKeys(inputs.jwksUrl, inputs.jwks)) };
}

function methodList(text: string | undefined): string[] {
  if (text === undefined) return ["GET", "POST"];
  const methods = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((method) => method.toUpperCase());
  const unknown = methods.find((method) => !(HTTP_METHODS as readonly string[]).includes(method));
  if (methods.length === 0 || unknown !== undefined)
    throw new UserError(
      `http-trigger-methods must list HTTP methods from ${HTTP_METHODS.join(", ")}; got ${JSON.stringify((unknown ?? text).slice(0, 40))}.`,
    );
  return [...new Set(methods)];
}

function lookupList(text: string | undefined): string {
  if (text === undefined) return "header:Authorization:Bearer";
  const entries = text.split(",").map((entry) => entry.trim());
  const bad = entries.find((entry) => !LOOKUP.test(entry));
  if (bad !== undefined)
    throw new UserError(
      `http-trigger-token-lookup must be comma-separated header:<name>[:<prefix>], cookie:<name>, query:<name> or form:<name>, such as header:Authorization:Bearer; got ${JSON.stringify(bad.slice(0, 60))}.`,
    );
  return entries.join(",");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError('http-trigger-jwks is not valid JSON: give the JWKS document, {"keys":[…]}.');
  }
}

function httpsUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (url?.protocol !== "https:")
    throw new UserError(
      `http-trigger-jwks-url must be an https:// URL of a JWKS; got ${JSON.stringify(text.slice(0, 80))}.`,
    );
  return url.href;
}
