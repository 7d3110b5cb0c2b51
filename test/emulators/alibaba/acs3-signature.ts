// Server side of Alibaba's V3 request signature (ACS3-HMAC-SHA256), rebuilt from what arrived on the
// wire: the canonical request (method, path, sorted RFC 3986 query, the signed headers, the payload
// hash), hashed, then HMAC-SHA256 with the caller's AccessKey secret. The payload hash header must
// match the body, the date must be recent and a nonce is accepted once.

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { words } from "../word-list.ts";
import { AcsError, acs } from "./errors.ts";

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received. */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Acs3Credential {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 15 * 60_000;

export function parseAcs3Authorization(headers: IncomingHttpHeaders): Acs3Credential {
  const header = headers.authorization;
  if (!header) throw acs.missingAuth();
  const match = AUTHORIZATION.exec(header);
  if (!match?.[1] || !match[2] || !match[3])
    throw acs.signatureMismatch("The Authorization header is not ACS3-HMAC-SHA256.");
  return { accessKeyId: match[1], signedHeaders: match[2].split(";"), signature: match[3] };
}

/** Throws the error Alibaba would answer with when the request was not signed with `secret`. */
export function verifyAcs3(
  request: SignedRequest,
  credential: Acs3Credential,
  secret: string,
  now: Date,
  seenNonces: Set<string>,
): void {
  const { headers } = request;
  const required = words(
    `host x-acs-date x-acs-content-sha256 x-acs-signature-nonce x-acs-action x-acs-version`,
  );
  for (const name of required) {
    if (!credential.signedHeaders.includes(name))
      throw acs.signatureMismatch(`Header ${name} must be signed.`);
  }
  const payloadHash = createHash("sha256").update(request.body).digest("hex");
  if (headers["x-acs-content-sha256"] !== payloadHash)
    throw acs.signatureMismatch("x-acs-content-sha256 does not match the request body.");
  const date = Date.parse(String(headers["x-acs-date"]));
  if (!Number.isFinite(date) || Math.abs(now.getTime() - date) > MAX_SKEW_MS)
    throw new AcsError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
  const nonce = String(headers["x-acs-signature-nonce"]);
  if (seenNonces.has(nonce))
    throw new AcsError(400, "SignatureNonceUsed", "Specified signature nonce was used already.");

  const url = new URL(request.target, "https://emulator.invalid");
  const query = [...url.searchParams.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${rfc3986(value)}`)
    .join("&");
  const canonicalHeaders = [...credential.signedHeaders]
    .sort()
    .map((name) => `${name}:${headerValue(headers, name).trim()}\n`)
    .join("");
  const canonicalRequest = [
    request.method,
    url.pathname,
    query,
    canonicalHeaders,
    credential.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash("sha256").update(canonicalRequest).digest("hex")}`;
  const expected = createHmac("sha256", secret).update(stringToSign).digest();
  const presented = Buffer.from(credential.signature, "hex");
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    throw acs.signatureMismatch(`Server string to sign is: ${stringToSign.replace("\n", " ")}`);
  seenNonces.add(nonce);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  if (value === undefined) throw acs.signatureMismatch(`Signed header ${name} is missing.`);
  return Array.isArray(value) ? [...value].sort().join(",") : String(value);
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
