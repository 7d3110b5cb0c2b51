/**
 * Redaction of bearer tokens and of everything derived from them. A variant that keeps a token's
 * `header.payload.` and changes its signature (the tampered-signature check flips one bit) gives the
 * real token back to anyone who flips the bit again, so it is as secret as the token: any text
 * starting with that prefix is hidden, whatever signature follows. Values that are not JWTs
 * (header values, opaque tokens) are hidden where they appear as they are.
 */
export type Redact = (text: string) => string;

const REDACTED = "***";
// The characters a signature segment can hold, base64url and (from a careless echo) base64.
const SIGNATURE = "[A-Za-z0-9_\\-+/=]*";

export function tokenRedactor(secrets: readonly (string | undefined)[]): Redact {
  const values = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.trim() !== ""))];
  // Longest first, so a token is hidden whole before a shorter secret inside it is.
  values.sort((a, b) => b.length - a.length);
  const prefixes = values.map(jwtPrefix).filter((p): p is string => p !== undefined);
  const derived = prefixes.length
    ? new RegExp(`(?:${prefixes.map(escapeRegExp).join("|")})${SIGNATURE}`, "g")
    : undefined;
  return (text) => {
    let out = derived ? text.replace(derived, REDACTED) : text;
    for (const value of values) out = out.split(value).join(REDACTED);
    return out;
  };
}

/** `header.payload.` of a compact JWS whose header and payload are non-empty; undefined otherwise. */
export function jwtPrefix(token: string): string | undefined {
  const parts = token.trim().split(".");
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  return `${parts[0]}.${parts[1]}.`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
