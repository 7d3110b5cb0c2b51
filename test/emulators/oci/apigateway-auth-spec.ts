// Validation of a deployment's authentication policy (TOKEN_AUTHENTICATION with a REMOTE_JWKS
// validation policy, or the older JWT_AUTHENTICATION with REMOTE_JWKS public keys) and of route
// authorization policies, into the normalised form the gateway data plane enforces. Policies
// OCI has but the emulator cannot enforce (custom authorizer functions, OIDC discovery, static
// keys) are refused with a 400 rather than silently accepted and left unenforced.
import {
  type Json,
  objectAt,
  onlyFields,
  optionalArrayAt,
  optionalBooleanAt,
  optionalNumberAt,
  optionalObjectAt,
  optionalStringAt,
  optionalStringsAt,
  stringAt,
  typeAt,
} from "./apigateway-fields.ts";
import { invalidParameter } from "./errors.ts";

export interface ClaimCheck {
  key: string;
  values: string[] | undefined;
  isRequired: boolean;
}

export interface AuthPolicy {
  type: "TOKEN_AUTHENTICATION" | "JWT_AUTHENTICATION";
  isAnonymousAccessAllowed: boolean;
  tokenHeader: string | undefined;
  tokenQueryParam: string | undefined;
  tokenAuthScheme: string | undefined;
  maxClockSkewInSeconds: number;
  jwksUri: string;
  maxCacheDurationInHours: number;
  /** Empty means "not checked" (TOKEN_AUTHENTICATION without additionalValidationPolicy). */
  issuers: string[];
  audiences: string[];
  verifyClaims: ClaimCheck[];
}

export type RouteAuthorization =
  | { type: "AUTHENTICATION_ONLY" }
  | { type: "ANONYMOUS" }
  | { type: "ANY_OF"; allowedScope: string[] };

const COMMON = ["type", "isAnonymousAccessAllowed", "tokenHeader", "tokenQueryParam", "tokenAuthScheme"];
const TOKEN_FIELDS = [...COMMON, "maxClockSkewInSeconds", "validationPolicy", "validationFailurePolicy"];
const JWT_FIELDS = [...COMMON, "maxClockSkewInSeconds", "issuers", "audiences", "verifyClaims", "publicKeys"];
const JWKS_FIELDS = ["type", "uri", "isSslVerifyDisabled", "maxCacheDurationInHours"];
// OCI caches a remote JWKS for 1 to 24 hours, 1 by default.
const CACHE_HOURS = { min: 1, max: 24, integer: true };
// Bounded: an unbounded skew would accept tokens long expired. The model describes the field only as
// "the maximum expected time difference between the system clocks of the token issuer and the API
// Gateway" and the pages stored for this project state no maximum
// (https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-usingconsole.htm);
// one hour, the lifetime of an Entra access token, is the bound fngate's max-clock-skew input has.
const SKEW = { min: 0, max: 3600 };
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export function readAuthPolicy(value: unknown, path: string): AuthPolicy {
  const policy = objectAt(value, path);
  const type = typeAt(policy, path, [
    "TOKEN_AUTHENTICATION",
    "JWT_AUTHENTICATION",
    "CUSTOM_AUTHENTICATION",
  ] as const);
  if (type === "CUSTOM_AUTHENTICATION") {
    throw invalidParameter(`${path}.type CUSTOM_AUTHENTICATION is not supported by the emulator.`);
  }
  onlyFields(policy, type === "TOKEN_AUTHENTICATION" ? TOKEN_FIELDS : JWT_FIELDS, path);
  const tokenHeader = optionalStringAt(policy, "tokenHeader", path);
  const tokenQueryParam = optionalStringAt(policy, "tokenQueryParam", path);
  const tokenAuthScheme = optionalStringAt(policy, "tokenAuthScheme", path);
  if ((tokenHeader === undefined) === (tokenQueryParam === undefined)) {
    throw invalidParameter(`${path} needs exactly one of tokenHeader and tokenQueryParam.`);
  }
  if (tokenHeader !== undefined && !HEADER_NAME.test(tokenHeader)) {
    throw invalidParameter(`${path}.tokenHeader is not a valid header name.`);
  }
  if (tokenQueryParam === "") throw invalidParameter(`${path}.tokenQueryParam must not be empty.`);
  // The model says tokenAuthScheme "must be provided if tokenHeader is specified".
  if (tokenHeader !== undefined && !tokenAuthScheme) {
    throw invalidParameter(`${path}.tokenAuthScheme is required with tokenHeader.`);
  }
  if (tokenAuthScheme !== undefined && !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(tokenAuthScheme)) {
    throw invalidParameter(`${path}.tokenAuthScheme is not a valid authentication scheme.`);
  }
  const common = {
    type,
    isAnonymousAccessAllowed: optionalBooleanAt(policy, "isAnonymousAccessAllowed", path) ?? false,
    tokenHeader,
    tokenQueryParam,
    tokenAuthScheme,
    maxClockSkewInSeconds: optionalNumberAt(policy, "maxClockSkewInSeconds", path, SKEW) ?? 0,
  };
  if (type === "JWT_AUTHENTICATION") {
    const keys = readRemoteJwks(policy.publicKeys, `${path}.publicKeys`);
    return {
      ...common,
      ...keys,
      issuers: requiredList(policy, "issuers", path),
      audiences: requiredList(policy, "audiences", path),
      verifyClaims: readClaims(policy, path),
    };
  }
  const validationPath = `${path}.validationPolicy`;
  if (policy.validationPolicy === undefined || policy.validationPolicy === null) {
    throw invalidParameter(`${validationPath} is required.`);
  }
  const validation = objectAt(policy.validationPolicy, validationPath);
  const additionalPath = `${validationPath}.additionalValidationPolicy`;
  const additional = optionalObjectAt(validation, "additionalValidationPolicy", validationPath) ?? {};
  onlyFields(additional, ["issuers", "audiences", "verifyClaims"], additionalPath);
  const { additionalValidationPolicy: _additional, ...jwks } = validation;
  if (policy.validationFailurePolicy !== undefined && policy.validationFailurePolicy !== null) {
    throw invalidParameter(`${path}.validationFailurePolicy is not supported by the emulator.`);
  }
  return {
    ...common,
    ...readRemoteJwks(jwks, validationPath),
    issuers: optionalNonEmptyList(additional, "issuers", additionalPath),
    audiences: optionalNonEmptyList(additional, "audiences", additionalPath),
    verifyClaims: readClaims(additional, additionalPath),
  };
}

function readRemoteJwks(value: unknown, path: string): { jwksUri: string; maxCacheDurationInHours: number } {
  const keys = objectAt(value, path);
  const type = stringAt(keys, "type", path);
  if (type !== "REMOTE_JWKS") {
    throw invalidParameter(
      `${path}.type ${JSON.stringify(type)} is not supported by the emulator; use REMOTE_JWKS.`,
    );
  }
  onlyFields(keys, JWKS_FIELDS, path);
  const uri = stringAt(keys, "uri", path);
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw invalidParameter(`${path}.uri is not a valid URL.`);
  }
  if (parsed.protocol !== "https:") throw invalidParameter(`${path}.uri must be an https URL.`);
  // The data plane always verifies the JWKS server's certificate; a spec relying on it not doing so
  // would pass here and fail against a real issuer with a self-signed certificate.
  if (optionalBooleanAt(keys, "isSslVerifyDisabled", path)) {
    throw invalidParameter(`${path}.isSslVerifyDisabled=true is not supported by the emulator.`);
  }
  return {
    jwksUri: uri,
    maxCacheDurationInHours: optionalNumberAt(keys, "maxCacheDurationInHours", path, CACHE_HOURS) ?? 1,
  };
}

function requiredList(parent: Json, name: string, path: string): string[] {
  const list = optionalStringsAt(parent, name, path);
  if (!list || list.length === 0) throw invalidParameter(`${path}.${name} must be a non-empty list.`);
  return list;
}

function optionalNonEmptyList(parent: Json, name: string, path: string): string[] {
  const list = optionalStringsAt(parent, name, path);
  if (list !== undefined && list.length === 0) throw invalidParameter(`${path}.${name} must not be empty.`);
  return list ?? [];
}

function readClaims(parent: Json, path: string): ClaimCheck[] {
  const entries = optionalArrayAt(parent, "verifyClaims", path) ?? [];
  return entries.map((entry, index) => {
    const claimPath = `${path}.verifyClaims[${index}]`;
    const claim = objectAt(entry, claimPath);
    onlyFields(claim, ["key", "values", "isRequired"], claimPath);
    return {
      key: stringAt(claim, "key", claimPath),
      values: optionalStringsAt(claim, "values", claimPath),
      isRequired: optionalBooleanAt(claim, "isRequired", claimPath) ?? false,
    };
  });
}

/** A route's authorization; AUTHENTICATION_ONLY when absent, as OCI defaults it. */
export function readRouteAuthorization(
  value: unknown,
  path: string,
  authentication: AuthPolicy | undefined,
): RouteAuthorization {
  if (value === undefined || value === null) return { type: "AUTHENTICATION_ONLY" };
  const policy = objectAt(value, path);
  const type = typeAt(policy, path, ["AUTHENTICATION_ONLY", "ANONYMOUS", "ANY_OF"] as const);
  onlyFields(policy, type === "ANY_OF" ? ["type", "allowedScope"] : ["type"], path);
  if (!authentication) {
    throw invalidParameter(`${path} needs an authentication policy in specification.requestPolicies.`);
  }
  if (type === "ANONYMOUS" && !authentication.isAnonymousAccessAllowed) {
    throw invalidParameter(
      `${path}.type ANONYMOUS needs isAnonymousAccessAllowed in the authentication policy.`,
    );
  }
  if (type !== "ANY_OF") return { type };
  return { type, allowedScope: requiredList(policy, "allowedScope", path) };
}
