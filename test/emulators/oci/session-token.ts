// The keyId `ST$<UPST>` of session-token-signed requests (the OCI CLI's `--auth security_token`,
// oci-common's SessionAuthDetailProvider). The token must be one the identity domain issued and
// unexpired; the request must then be signed by the key the token binds.

import { existingIdentityDomain } from "../oci-identity-domain/store.ts";
import { checkUpst } from "../oci-identity-domain/upst.ts";
import type { KeyResolver } from "./key-id.ts";

export const resolveSessionToken: KeyResolver = (keyId, state) => {
  if (!keyId.startsWith("ST$")) return undefined;
  const domain = existingIdentityDomain(state);
  if (!domain) return { ok: false, reason: "unknown-key-id: no session token was ever issued" };
  const check = checkUpst(domain, keyId.slice(3));
  if (!check.ok) return { ok: false, reason: `invalid-session-token: ${check.reason}` };
  if (!state.tenancies.has(check.tenancyId)) {
    return { ok: false, reason: `invalid-session-token: unknown tenancy ${check.tenancyId}` };
  }
  return {
    ok: true,
    caller: { kind: "session-token", keyId, tenancyId: check.tenancyId, principalId: check.userId },
    publicKey: check.publicKey,
  };
};
