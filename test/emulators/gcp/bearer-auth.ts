import type { IncomingMessage } from "node:http";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { bearerOf } from "./http-io.ts";
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

export function callerMembers(caller: AccessTokenRecord): string[] {
  return [caller.principal, ...caller.memberships];
}
