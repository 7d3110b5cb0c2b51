// Google's token endpoints as google-auth-library calls them:
//   POST /oauth2/token        JWT bearer grant signed with a service account key -> access or ID token
//   POST /sts/v1/token        token exchange: a GitHub OIDC token -> federated access token (WIF)
//   POST /iamcredentials/v1/projects/-/serviceAccounts/<email>:generateIdToken | :generateAccessToken
// Every assertion and subject token is verified (signature, issuer, audience, expiry, the provider's
// attribute condition); every bearer token is one this emulator issued and is still valid.

import type { KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import type { SigningKeys } from "../entra/signing-keys.ts";
import { conditionHolds } from "./attribute-condition.ts";
import { bearerOf, readBody, sendGoogleError, sendJson, sendOAuthError } from "./http-io.ts";
import type { AccessTokenRecord, GcpState, ServiceAccountRecord } from "./state.ts";

export const GOOGLE_ISSUER = "https://accounts.google.com";
const GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
const TOKEN_LIFETIME_SECONDS = 3600;

export interface TokenContext {
  state: GcpState;
  googleKeys: SigningKeys;
  now: () => Date;
}

/** A Google-signed ID token for a service account, as Cloud Run verifies them. */
export async function mintIdToken(
  ctx: TokenContext,
  account: ServiceAccountRecord,
  audience: string,
): Promise<string> {
  const iat = Math.floor(ctx.now().getTime() / 1000);
  return ctx.googleKeys.sign({
    iss: GOOGLE_ISSUER,
    aud: audience,
    azp: account.uniqueId,
    sub: account.uniqueId,
    email: account.email,
    email_verified: true,
    iat,
    exp: iat + TOKEN_LIFETIME_SECONDS,
  });
}

export async function handleTokenRoute(
  ctx: TokenContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  if (path === "/oauth2/token") {
    await oauth2Token(ctx, req, res);
    return true;
  }
  if (path === "/sts/v1/token") {
    await stsToken(ctx, req, res);
    return true;
  }
  const iam =
    /^\/iamcredentials\/v1\/projects\/-\/serviceAccounts\/([^/:]+):(generateIdToken|generateAccessToken)$/.exec(
      path,
    );
  if (!iam) return false;
  await iamCredentials(ctx, req, res, decodeURIComponent(iam[1] ?? ""), iam[2] ?? "");
  return true;
}

async function form(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"))
    return undefined;
  return new URLSearchParams((await readBody(req)).toString("utf8"));
}

async function oauth2Token(ctx: TokenContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = req.method === "POST" ? await form(req) : undefined;
  if (!params) return sendOAuthError(res, 400, "invalid_request", "POST a form-encoded body.");
  if (params.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    return sendOAuthError(
      res,
      400,
      "unsupported_grant_type",
      `Invalid grant_type: ${params.get("grant_type") ?? ""}`,
    );
  }
  const assertion = params.get("assertion") ?? "";
  let account: ServiceAccountRecord | undefined;
  let keys: KeyObject[] = [];
  try {
    // Without a kid (google-auth-library's ID token requests send none) Google tries each of the
    // account's keys, found by the assertion's issuer.
    const kid = decodeProtectedHeader(assertion).kid;
    const issuer = decodeJwt(assertion).iss;
    account = [...ctx.state.serviceAccounts.values()].find((sa) =>
      kid !== undefined ? sa.keys.has(kid) : sa.email === issuer,
    );
    const key = kid === undefined ? undefined : account?.keys.get(kid);
    keys = key ? [key] : kid === undefined ? [...(account?.keys.values() ?? [])] : [];
  } catch {
    return sendOAuthError(
      res,
      400,
      "invalid_grant",
      "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.",
    );
  }
  if (!account || keys.length === 0)
    return sendOAuthError(res, 400, "invalid_grant", "Invalid grant: account not found");
  let claims: JWTPayload | undefined;
  let failure = "";
  for (const key of keys) {
    try {
      ({ payload: claims } = await jwtVerify(assertion, key, {
        algorithms: ["RS256"],
        issuer: account.email,
        audience: GOOGLE_TOKEN_AUDIENCE,
        currentDate: ctx.now(),
        maxTokenAge: "1h",
        requiredClaims: ["exp", "iat"],
      }));
      break;
    } catch (error) {
      failure =
        error instanceof Error && /signature/i.test(error.message)
          ? "Invalid JWT Signature."
          : `Invalid JWT: ${(error as Error).message}`;
    }
  }
  if (!claims) return sendOAuthError(res, 400, "invalid_grant", failure);
  if (typeof claims.target_audience === "string") {
    return sendJson(res, 200, { id_token: await mintIdToken(ctx, account, claims.target_audience) });
  }
  const scopes = String(claims.scope ?? "").split(" ");
  if (!scopes.includes(CLOUD_PLATFORM))
    return sendOAuthError(res, 400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
  const token = ctx.state.issueToken(
    { principal: `serviceAccount:${account.email}`, memberships: [], kind: "service-account" },
    TOKEN_LIFETIME_SECONDS,
    ctx.now().getTime(),
  );
  return sendJson(res, 200, {
    access_token: token,
    expires_in: TOKEN_LIFETIME_SECONDS - 1,
    token_type: "Bearer",
  });
}

const jwksByIssuer = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

async function stsToken(ctx: TokenContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = req.method === "POST" ? await form(req) : undefined;
  if (!params) return sendOAuthError(res, 400, "invalid_request", "POST a form-encoded body.");
  const expect: Record<string, string> = {
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
  };
  for (const [name, value] of Object.entries(expect)) {
    if (params.get(name) !== value)
      return sendOAuthError(res, 400, "invalid_request", `Invalid value for "${name}".`);
  }
  const subjectTokenType = params.get("subject_token_type");
  if (
    subjectTokenType !== "urn:ietf:params:oauth:token-type:jwt" &&
    subjectTokenType !== "urn:ietf:params:oauth:token-type:id_token"
  ) {
    return sendOAuthError(res, 400, "invalid_request", 'Invalid value for "subject_token_type".');
  }
  const audience = params.get("audience") ?? "";
  const provider = ctx.state.providers.get(audience.replace(/^\/\/iam\.googleapis\.com\//, ""));
  if (!audience.startsWith("//iam.googleapis.com/") || !provider) {
    return sendOAuthError(
      res,
      400,
      "invalid_target",
      'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
    );
  }
  let jwks = jwksByIssuer.get(provider.issuer);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(`${provider.issuer}/.well-known/jwks`));
    jwksByIssuer.set(provider.issuer, jwks);
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(params.get("subject_token") ?? "", jwks, {
      algorithms: ["RS256"],
      issuer: provider.issuer,
      currentDate: ctx.now(),
    }));
  } catch (error) {
    return sendOAuthError(
      res,
      400,
      "invalid_grant",
      `The ID Token could not be verified: ${(error as Error).message}`,
    );
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? ""];
  if (!audiences.some((aud) => provider.allowedAudiences.includes(aud))) {
    return sendOAuthError(
      res,
      400,
      "invalid_grant",
      `The audience in ID Token [${audiences.join(", ")}] does not match the expected audience.`,
    );
  }
  if (provider.attributeCondition && !conditionHolds(provider.attributeCondition, claims)) {
    return sendOAuthError(
      res,
      400,
      "unauthorized_client",
      "The given credential is rejected by the attribute condition.",
    );
  }
  const pool = provider.name.replace(/\/providers\/[^/]+$/, "");
  const memberships = ["repository", "repository_owner"]
    .filter((claim) => typeof claims[claim] === "string")
    .map((claim) => `principalSet://iam.googleapis.com/${pool}/attribute.${claim}/${String(claims[claim])}`);
  const token = ctx.state.issueToken(
    {
      principal: `principal://iam.googleapis.com/${pool}/subject/${claims.sub ?? ""}`,
      memberships,
      kind: "federated",
    },
    TOKEN_LIFETIME_SECONDS,
    ctx.now().getTime(),
  );
  return sendJson(res, 200, {
    access_token: token,
    issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
    token_type: "Bearer",
    expires_in: TOKEN_LIFETIME_SECONDS - 1,
  });
}

/**
 * The caller behind a request's bearer token: an access token this emulator issued, or a self-signed
 * JWT from a service account key (Google APIs accept those directly; @google-cloud/run's clients use
 * them for key files), verified against the account's uploaded public key.
 */
export async function authenticate(
  ctx: TokenContext,
  req: IncomingMessage,
): Promise<AccessTokenRecord | undefined> {
  const token = bearerOf(req);
  const issued = ctx.state.caller(token, ctx.now().getTime());
  if (issued || token === undefined || token.split(".").length !== 3) return issued;
  try {
    const kid = decodeProtectedHeader(token).kid;
    const account = [...ctx.state.serviceAccounts.values()].find(
      (sa) => kid !== undefined && sa.keys.has(kid),
    );
    const key = kid === undefined ? undefined : account?.keys.get(kid);
    if (!account || !key) return undefined;
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["RS256"],
      issuer: account.email,
      subject: account.email,
      currentDate: ctx.now(),
      maxTokenAge: "1h",
      requiredClaims: ["exp", "iat"],
    });
    const scopes = String(payload.scope ?? "").split(" ");
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ""];
    if (
      !scopes.includes(CLOUD_PLATFORM) &&
      !audiences.some((aud) => /^https:\/\/[a-z]+\.googleapis\.com\/$/.test(aud))
    )
      return undefined;
    return {
      principal: `serviceAccount:${account.email}`,
      memberships: [],
      kind: "service-account",
      expiresAt: (payload.exp ?? 0) * 1000,
    };
  } catch {
    return undefined;
  }
}

export function callerMembers(caller: AccessTokenRecord): string[] {
  return [caller.principal, ...caller.memberships];
}

async function iamCredentials(
  ctx: TokenContext,
  req: IncomingMessage,
  res: ServerResponse,
  email: string,
  method: string,
): Promise<void> {
  const caller = await authenticate(ctx, req);
  if (!caller) {
    return sendGoogleError(
      res,
      401,
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
    );
  }
  if (req.method !== "POST") return sendGoogleError(res, 404, "Not Found");
  let body: Record<string, unknown>;
  try {
    body = JSON.parse((await readBody(req)).toString("utf8")) as Record<string, unknown>;
  } catch {
    return sendGoogleError(res, 400, "Invalid JSON payload received.");
  }
  const allowed =
    method === "generateIdToken"
      ? ["audience", "includeEmail", "delegates", "useEmailAzp"]
      : ["scope", "lifetime", "delegates"];
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    return sendGoogleError(
      res,
      400,
      `Invalid JSON payload received. Unknown name "${unknown[0]}": Cannot find field.`,
    );
  const account = ctx.state.serviceAccounts.get(email);
  const permission =
    method === "generateIdToken"
      ? "iam.serviceAccounts.getOpenIdToken"
      : "iam.serviceAccounts.getAccessToken";
  if (!account || !callerMembers(caller).some((member) => account.impersonators.has(member))) {
    return sendGoogleError(res, 403, `Permission '${permission}' denied on resource (or it may not exist).`);
  }
  if (method === "generateIdToken") {
    if (typeof body.audience !== "string" || body.audience === "")
      return sendGoogleError(res, 400, "Missing required field: audience.");
    return sendJson(res, 200, { token: await mintIdToken(ctx, account, body.audience) });
  }
  if (!Array.isArray(body.scope) || !body.scope.includes(CLOUD_PLATFORM))
    return sendGoogleError(res, 400, "Scope required.");
  const token = ctx.state.issueToken(
    { principal: `serviceAccount:${account.email}`, memberships: [], kind: "service-account" },
    TOKEN_LIFETIME_SECONDS,
    ctx.now().getTime(),
  );
  return sendJson(res, 200, {
    accessToken: token,
    expireTime: new Date(ctx.now().getTime() + TOKEN_LIFETIME_SECONDS * 1000).toISOString(),
  });
}
