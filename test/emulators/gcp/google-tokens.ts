// Google's token endpoints as google-auth-library calls them:
//   POST /oauth2/token        JWT bearer grant signed with a service account key -> access or ID token
//   POST /sts/v1/token        token exchange: a GitHub OIDC token -> federated access token (WIF)
//   POST /iamcredentials/v1/projects/-/serviceAccounts/<email>:generateIdToken | :generateAccessToken
// Every assertion and subject token is verified (signature, issuer, audience, expiry, the provider's
// attribute condition); every bearer token is one this emulator issued and is still valid.

import type { KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeJwt, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import { sendJson, sendOAuthError } from "./http-io.ts";
import { iamCredentials } from "./iam-credentials.ts";
import type { ServiceAccountRecord } from "./state.ts";
import { stsToken } from "./sts-token.ts";
import {
  CLOUD_PLATFORM,
  form,
  GOOGLE_TOKEN_AUDIENCE,
  mintIdToken,
  TOKEN_LIFETIME_SECONDS,
  type TokenContext,
} from "./token-context.ts";

export async function handleTokenRoute(
  ctx: TokenContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  if (path === "/oauth2/token") return oauth2Token(ctx, req, res);
  if (path === "/sts/v1/token") return stsToken(ctx, req, res);
  const iam =
    /^\/iamcredentials\/v1\/projects\/-\/serviceAccounts\/([^/:]+):(generateIdToken|generateAccessToken)$/.exec(
      path,
    );
  if (!iam) return false;
  return iamCredentials(ctx, req, res, decodeURIComponent(iam[1] ?? ""), iam[2] ?? "");
}

async function oauth2Token(ctx: TokenContext, req: IncomingMessage, res: ServerResponse): Promise<true> {
  const params = req.method === "POST" ? await form(req) : undefined;
  if (!params) return sendOAuthError(res, "invalid_request", "POST a form-encoded body.");
  if (params.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    return sendOAuthError(
      res,
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
      "invalid_grant",
      "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.",
    );
  }
  if (!account || keys.length === 0)
    return sendOAuthError(res, "invalid_grant", "Invalid grant: account not found");
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
  if (!claims) return sendOAuthError(res, "invalid_grant", failure);
  if (typeof claims.target_audience === "string") {
    return sendJson(res, 200, { id_token: await mintIdToken(ctx, account, claims.target_audience) });
  }
  const scopes = String(claims.scope ?? "").split(" ");
  if (!scopes.includes(CLOUD_PLATFORM))
    return sendOAuthError(res, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
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
