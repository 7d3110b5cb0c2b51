// What the token endpoints share: the emulator's state, Google's signing keys and clock, the ID tokens
// Google signs, and form-encoded bodies.
import type { IncomingMessage } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import type { SigningKeys } from "../entra/signing-keys.ts";
import { readBody } from "./http-io.ts";
import type { GcpState, ServiceAccountRecord } from "./state.ts";

export const GOOGLE_ISSUER = "https://accounts.google.com";
export const GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
export const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
export const TOKEN_LIFETIME_SECONDS = 3600;

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
  if (ctx.state.idTokenDelayMs > 0) await delay(ctx.state.idTokenDelayMs);
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

export async function form(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"))
    return undefined;
  return new URLSearchParams((await readBody(req)).toString("utf8"));
}
