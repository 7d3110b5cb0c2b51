// User principal session tokens: minted by the token exchange, presented by clients as the
// signature keyId `ST$<token>`. The token binds the caller's public key (`jwk` claim, a JSON string
// as in OCI's UPSTs), so a request is genuine only when signed by that key's private half.
import { createPublicKey, type KeyObject, randomUUID } from "node:crypto";
import { signRs256, verifyRs256 } from "./compact-jwt.ts";
import { type IdentityDomainStore, UPST_ISSUER } from "./store.ts";

export interface UpstSubject {
  userId: string;
  tenancyId: string;
  publicKey: KeyObject;
}

export function mintUpst(store: IdentityDomainStore, subject: UpstSubject): string {
  const iat = Math.floor(store.now().getTime() / 1000);
  const exp = iat + store.upstLifetimeSeconds;
  const jwk = subject.publicKey.export({ format: "jwk" });
  return signRs256(
    {
      iss: UPST_ISSUER,
      aud: "oci",
      sub: subject.userId,
      tenant: subject.tenancyId,
      ptype: "user",
      tok_type: "UPST",
      jwk: JSON.stringify({ ...jwk, kid: "Ephemeral", use: "sig", alg: "RS256" }),
      iat,
      exp,
      sess_exp: exp,
      jti: randomUUID(),
    },
    store.sessionKey.privateKey,
    store.sessionKey.kid,
  );
}

export type UpstCheck =
  | { ok: true; userId: string; tenancyId: string; publicKey: KeyObject }
  | { ok: false; reason: string };

/** What OCI's front door checks before it looks at the request signature. */
export function checkUpst(store: IdentityDomainStore, token: string): UpstCheck {
  const verified = verifyRs256(token, store.sessionKey.publicKey);
  if (!verified.ok) return { ok: false, reason: `session token ${verified.reason}` };
  const { claims } = verified;
  if (claims.iss !== UPST_ISSUER) return { ok: false, reason: "session token issuer is not authService" };
  const exp = typeof claims.exp === "number" ? claims.exp : 0;
  if (exp * 1000 <= store.now().getTime()) {
    return { ok: false, reason: `session token expired at ${new Date(exp * 1000).toISOString()}` };
  }
  if (typeof claims.sub !== "string" || typeof claims.tenant !== "string" || typeof claims.jwk !== "string") {
    return { ok: false, reason: "session token lacks sub, tenant or jwk" };
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({
      key: JSON.parse(claims.jwk) as import("node:crypto").JsonWebKey,
      format: "jwk",
    });
  } catch {
    return { ok: false, reason: "session token jwk is not a public key" };
  }
  return { ok: true, userId: claims.sub, tenancyId: claims.tenant, publicKey };
}
