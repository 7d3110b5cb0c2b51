// Turns a signature keyId into the caller and the public key that must have signed the request.
// Each kind of credential is one resolver: API keys (`<tenancy>/<user>/<fingerprint>`) and session
// tokens (`ST$<jwt>`, session-token.ts); resource principals can be added to KEY_RESOLVERS later
// without touching the signature checks.
import type { KeyObject } from "node:crypto";
import { isOcid } from "./ocid.ts";
import { resolveSessionToken } from "./session-token.ts";
import type { OciState } from "./state.ts";

export type CallerKind = "api-key" | "session-token";

export interface Caller {
  kind: CallerKind;
  keyId: string;
  /** Tenancy the caller acts in; every route scopes what it shows to it. */
  tenancyId: string;
  /** User OCID for API keys and session tokens. */
  principalId: string;
}

export type KeyResolution =
  | { ok: true; caller: Caller; publicKey: KeyObject }
  | { ok: false; reason: string };

/** Returns undefined when the keyId is not of its kind, so the next resolver gets a turn. */
export type KeyResolver = (keyId: string, state: OciState) => KeyResolution | undefined;

export const resolveApiKey: KeyResolver = (keyId, state) => {
  const parts = keyId.split("/");
  if (parts.length !== 3) return undefined;
  const [tenancyId = "", userId = "", fingerprint = ""] = parts;
  if (!isOcid(tenancyId, "tenancy")) return fail(`keyId tenancy ${tenancyId} is not a tenancy OCID`);
  if (!isOcid(userId, "user")) return fail(`keyId user ${userId} is not a user OCID`);
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){15}$/.test(fingerprint)) {
    return fail(`keyId fingerprint ${fingerprint} is not 16 lower-case hex pairs`);
  }
  if (!state.tenancies.has(tenancyId)) return fail(`unknown tenancy ${tenancyId}`);
  const user = state.users.get(userId);
  if (!user || user.tenancyId !== tenancyId) return fail(`unknown user ${userId} in tenancy ${tenancyId}`);
  const key = state.findApiKey(tenancyId, userId, fingerprint);
  if (!key) return fail(`user ${userId} has no API key with fingerprint ${fingerprint}`);
  return {
    ok: true,
    caller: { kind: "api-key", keyId, tenancyId, principalId: userId },
    publicKey: key.publicKey,
  };
};

export const KEY_RESOLVERS: KeyResolver[] = [resolveApiKey, resolveSessionToken];

export function resolveKeyId(keyId: string, state: OciState): KeyResolution {
  for (const resolver of KEY_RESOLVERS) {
    const resolution = resolver(keyId, state);
    if (resolution) return resolution;
  }
  return fail(`keyId ${keyId} is neither <tenancy>/<user>/<fingerprint> nor a known token form`);
}

function fail(detail: string): KeyResolution {
  return { ok: false, reason: `unknown-key-id: ${detail}` };
}
