// The one HTTP trigger fc-deploy keeps on a function (FC 3.0), and the pure decision whether the trigger
// FC holds already is the one asked for. FC 3.0 keeps a trigger's settings as a JSON string
// (triggerConfig); for an HTTP trigger that is {authType, methods, disableURLInternet, authConfig}, where
// authConfig is itself a JSON string. For authType jwt it holds the public JWKS and where the token is
// read ({"JWKS":…,"TokenLookup":"header:Authorization:Bearer","ClaimPassBy":"header:aud:x-jwt-aud"}, as in
// the SDK's HTTPTriggerConfig model;
// https://www.alibabacloud.com/help/en/functioncompute/fc/user-guide/configure-jwt-authentication-for-an-http-trigger).
//
// What FC checks, per that page: the token's signature against the trigger's JWKS (the key its kid
// names) and its validity period. Nothing about who issued it or for whom: no iss, no aud. It can forward
// claims to the function (ClaimPassBy, <header|query|form>:<claim>:<name>), which is how a function checks
// them itself.

import { UserError } from "../errors.ts";

/** anonymous: no check; function: FC's signature authentication; jwt: FC checks a JWT against a JWKS. */
export type HttpTriggerAuth = "anonymous" | "function" | "jwt";

export const HTTP_TRIGGER_AUTHS: readonly HttpTriggerAuth[] = ["anonymous", "function", "jwt"];
export const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"] as const;

/** A public JSON Web Key Set, as FC stores it inline on the trigger. */
export interface PublicJwks {
  keys: Record<string, unknown>[];
}

export interface HttpTriggerSpec {
  name: string;
  auth: HttpTriggerAuth;
  methods: string[];
  /** The version or alias the trigger runs; LATEST when unset. */
  qualifier?: string;
  /** With auth jwt: the keys that sign accepted tokens, where FC reads the token, which claims it forwards. */
  jwt?: { jwks: PublicJwks; tokenLookup: string; claimPassBy?: string };
}

/** The triggerConfig string FC is sent for this trigger. */
export function httpTriggerConfig(spec: HttpTriggerSpec): string {
  return JSON.stringify({
    authType: spec.auth,
    methods: [...spec.methods],
    disableURLInternet: false,
    ...(spec.jwt
      ? {
          authConfig: JSON.stringify({
            JWKS: spec.jwt.jwks,
            TokenLookup: spec.jwt.tokenLookup,
            ...(spec.jwt.claimPassBy ? { ClaimPassBy: spec.jwt.claimPassBy } : {}),
          }),
        }
      : {}),
  });
}

/** What differs between the trigger FC holds and the one asked for; empty when nothing does. */
export function httpTriggerChanges(
  current: { triggerType?: string; triggerConfig?: string; qualifier?: string },
  spec: HttpTriggerSpec,
): string[] {
  if ((current.triggerType ?? "").toLowerCase() !== "http") return ["type"];
  const held = parseObject(current.triggerConfig);
  const wanted = parseObject(httpTriggerConfig(spec));
  const changes: string[] = [];
  if (held.authType !== wanted.authType) changes.push("auth");
  if (canonical(sortedMethods(held.methods)) !== canonical(sortedMethods(wanted.methods)))
    changes.push("methods");
  if (Boolean(held.disableURLInternet) !== Boolean(wanted.disableURLInternet)) changes.push("internet URL");
  const heldAuth = parseObject(held.authConfig);
  const wantedAuth = parseObject(wanted.authConfig);
  if (wanted.authType === "jwt" || held.authType === "jwt") {
    if (canonical(heldAuth.JWKS) !== canonical(wantedAuth.JWKS)) changes.push("jwks");
    if (heldAuth.TokenLookup !== wantedAuth.TokenLookup) changes.push("token lookup");
    if ((heldAuth.ClaimPassBy ?? "") !== (wantedAuth.ClaimPassBy ?? "")) changes.push("claim pass-through");
  }
  if ((current.qualifier ?? "LATEST") !== (spec.qualifier ?? "LATEST")) changes.push("qualifier");
  return changes;
}

function parseObject(text: unknown): Record<string, unknown> {
  if (typeof text !== "string" || text === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function sortedMethods(value: unknown): string[] {
  return Array.isArray(value) ? value.map((method) => String(method).toUpperCase()).sort() : [];
}

/** JSON with object keys sorted, so that key order never reads as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}

// Members that only a private or symmetric key has (RFC 7518 section 6): FC shows a trigger's JWKS to
// anyone who may read the function, so only public keys belong there.
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/** A JWKS checked to hold public keys only; `source` names the input (or URL) it came from. */
export function checkPublicJwks(value: unknown, source: string): PublicJwks {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!value || typeof value !== "object" || !Array.isArray(keys) || keys.length === 0)
    throw new UserError(
      `${source} must be a JSON Web Key Set: {"keys":[{"kty":"RSA","kid":…,"n":…,"e":…}]}.`,
    );
  keys.forEach((key: unknown, index) => {
    if (!key || typeof key !== "object" || typeof (key as { kty?: unknown }).kty !== "string")
      throw new UserError(`${source}: key ${index + 1} is not a JSON Web Key (it has no kty).`);
    const secret = PRIVATE_MEMBERS.find((member) => member in key);
    if (secret !== undefined)
      throw new UserError(
        `${source}: key ${index + 1} holds private key material ("${secret}"): publish only the public keys (kty, kid, n, e or x, y).`,
      );
  });
  return { keys: keys as Record<string, unknown>[] };
}
