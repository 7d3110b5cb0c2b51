import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { bearerOf, sendGoogleError } from "./http-io.ts";
import type { AccessTokenRecord } from "./state.ts";
import { CLOUD_PLATFORM, type TokenContext } from "./token-context.ts";

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

/**
 * The caller of a request to `path`, which takes `method` only. Another method (405) and missing or
 * invalid credentials (401) are answered here, as Google's front end does, and give undefined.
 */
export async function callerOf(
  ctx: TokenContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  method: string,
): Promise<AccessTokenRecord | undefined> {
  if (req.method !== method) {
    req.resume();
    sendGoogleError(res, 405, `Method ${req.method} is not allowed for ${path}.`, "METHOD_NOT_ALLOWED");
    return undefined;
  }
  const caller = await authenticate(ctx, req);
  if (!caller) {
    req.resume();
    sendGoogleError(res, 401, "Request had invalid authentication credentials.");
  }
  return caller;
}

/**
 * The permissions a testIamPermissions body asks about. A list that is not of strings, a wildcard or a
 * permission the resource does not have is a 400, answered here (undefined then), as Google does.
 */
export function permissionsToTest(
  res: ServerResponse,
  body: Record<string, unknown>,
  testable: ReadonlySet<string>,
): string[] | undefined {
  const permissions = body.permissions;
  if (!Array.isArray(permissions) || permissions.some((p) => typeof p !== "string")) {
    sendGoogleError(res, 400, "Invalid JSON payload: permissions must be a list of strings.");
    return undefined;
  }
  const bad = (permissions as string[]).find((p) => p.includes("*") || !testable.has(p));
  if (bad !== undefined) {
    sendGoogleError(res, 400, `Permission ${bad} is not valid for this resource.`);
    return undefined;
  }
  return permissions as string[];
}

export function callerMembers(caller: AccessTokenRecord): string[] {
  return [caller.principal, ...caller.memberships];
}
