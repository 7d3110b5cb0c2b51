/**
 * The tokens a correctly guarded API must refuse, made from the real token so each differs from it in
 * exactly one way: a gateway that accepts any of them is not checking what it claims to check.
 */
export type NegativeCheck =
  | "no-token"
  | "malformed"
  | "tampered-signature"
  | "alg-none"
  | "hs256-key-confusion"
  | "expired-token"
  | "refused-token";

export const DEFAULT_NEGATIVE_CHECKS: readonly NegativeCheck[] = [
  "no-token",
  "malformed",
  "tampered-signature",
  "alg-none",
  "hs256-key-confusion",
];

/** Checks that send a token of their own, given as the input of the same name; run by default when set. */
export const TOKEN_INPUT_CHECKS = ["expired-token", "refused-token"] as const;
export type TokenInputCheck = (typeof TOKEN_INPUT_CHECKS)[number];

export const ALL_NEGATIVE_CHECKS: readonly NegativeCheck[] = [
  ...DEFAULT_NEGATIVE_CHECKS,
  ...TOKEN_INPUT_CHECKS,
];

/** Checks made by altering the real token: nothing to alter without one. */
export const ALTERS_TOKEN: readonly NegativeCheck[] = [
  "tampered-signature",
  "alg-none",
  "hs256-key-confusion",
];

export interface CheckTokens {
  token: string | undefined;
  refusedToken: string | undefined;
  expiredToken: string | undefined;
}

/**
 * The bearer value to send for a check that sends one token; undefined means no Authorization header
 * at all. hs256-key-confusion sends several (see key-confusion.ts).
 */
export function tokenFor(
  check: Exclude<NegativeCheck, "hs256-key-confusion">,
  tokens: CheckTokens,
): string | undefined {
  switch (check) {
    case "no-token":
      return undefined;
    case "malformed":
      return "not.a-jwt";
    case "tampered-signature":
      return tamperSignature(tokens.token ?? "");
    case "alg-none":
      return withAlgNone(tokens.token ?? "");
    case "refused-token":
      return tokens.refusedToken;
    case "expired-token":
      return tokens.expiredToken;
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
