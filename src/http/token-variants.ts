/**
 * The tokens a correctly guarded API must refuse, made from the real token so each differs from it in
 * exactly one way: a gateway that accepts any of them is not checking what it claims to check.
 */
export type NegativeCheck = "no-token" | "malformed" | "tampered-signature" | "alg-none" | "refused-token";

export const DEFAULT_NEGATIVE_CHECKS: readonly NegativeCheck[] = [
  "no-token",
  "malformed",
  "tampered-signature",
  "alg-none",
];
export const ALL_NEGATIVE_CHECKS: readonly NegativeCheck[] = [...DEFAULT_NEGATIVE_CHECKS, "refused-token"];

/** The bearer value to send for a check; undefined means no Authorization header at all. */
export function tokenFor(
  check: NegativeCheck,
  token: string,
  refusedToken: string | undefined,
): string | undefined {
  switch (check) {
    case "no-token":
      return undefined;
    case "malformed":
      return "not.a-jwt";
    case "tampered-signature":
      return tamperSignature(token);
    case "alg-none":
      return withAlgNone(token);
    case "refused-token":
      return refusedToken;
  }
}

/** Flips one bit in the middle of the signature, keeping it valid base64url. */
export function tamperSignature(token: string): string {
  const [header = "", payload = "", signature = ""] = token.split(".");
  const bytes = Buffer.from(signature, "base64url");
  if (bytes.length === 0) return `${header}.${payload}.AAAA`;
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
  return `${header}.${payload}.${bytes.toString("base64url")}`;
}

/** The same claims under {"alg":"none"} with an empty signature: the classic verifier bypass. */
export function withAlgNone(token: string): string {
  const payload = token.split(".")[1] ?? "";
  const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
  return `${header}.${payload}.`;
}
