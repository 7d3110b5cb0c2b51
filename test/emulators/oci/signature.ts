// Verifies OCI request signatures the way the OCI front door does, so a client that gets a 200
// from the emulator would get one from Oracle Cloud: the keyId must name a registered key, the
// signed header list must cover what OCI requires, the date must be fresh, the body must match
// x-content-sha256 and content-length, and the RSA-SHA256 signature must verify over the signing
// string rebuilt from the headers as received.
import { createHash, verify } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { parseAuthorizationHeader } from "./authorization-header.ts";
import { type Caller, resolveKeyId } from "./key-id.ts";
import type { OciState } from "./state.ts";

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (req.url): the `(request-target)` the client signed. */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface VerifyOptions {
  state: OciState;
  now: () => Date;
  /**
   * Whether a POST/PUT/PATCH must sign its body headers. OCI exempts streaming uploads
   * (PutObject, UploadPart), which the SDK sends with forceExcludeBody.
   */
  bodyMustBeSigned: boolean;
}

export type VerifyResult = { ok: true; caller: Caller } | { ok: false; reason: string };

/** OCI rejects requests whose date is more than five minutes away from its clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const ALWAYS_SIGNED = ["(request-target)", "host"];
const BODY_SIGNED = ["content-length", "content-type", "x-content-sha256"];
const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

export function verifyRequestSignature(request: SignedRequest, options: VerifyOptions): VerifyResult {
  const parsed = parseAuthorizationHeader(headerValue(request.headers, "authorization"));
  if (!parsed.ok) return parsed;
  const params = parsed.params;

  if (params.version !== "1") {
    return fail("unsupported-version", `version must be "1", got ${JSON.stringify(params.version)}`);
  }
  if (params.algorithm !== "rsa-sha256") {
    return fail("unsupported-algorithm", `algorithm must be rsa-sha256, got ${params.algorithm}`);
  }

  const key = resolveKeyId(params.keyId, options.state);
  if (!key.ok) return key;

  const signed = new Set(params.headers);
  const required = [...ALWAYS_SIGNED];
  const hasBody = METHODS_WITH_BODY.has(request.method.toUpperCase());
  if (hasBody && options.bodyMustBeSigned) required.push(...BODY_SIGNED);
  for (const name of required) {
    if (!signed.has(name)) return fail("missing-signed-header", `${name} is not in the signed headers list`);
  }
  if (!signed.has("date") && !signed.has("x-date")) {
    return fail("missing-signed-header", "neither date nor x-date is in the signed headers list");
  }

  const lines: string[] = [];
  for (const name of params.headers) {
    if (name === "(request-target)") {
      lines.push(`(request-target): ${request.method.toLowerCase()} ${request.target}`);
      continue;
    }
    const value = headerValue(request.headers, name);
    if (value === undefined) return fail("missing-header", `signed header ${name} is not in the request`);
    lines.push(`${name}: ${value}`);
  }

  // x-date wins when both are signed: browsers cannot set Date, so OCI reads x-date first.
  const dateHeader = signed.has("x-date") ? "x-date" : "date";
  const dateValue = headerValue(request.headers, dateHeader) ?? "";
  const sentAt = Date.parse(dateValue);
  if (Number.isNaN(sentAt))
    return fail("invalid-date", `${dateHeader} ${JSON.stringify(dateValue)} is not a date`);
  const skew = sentAt - options.now().getTime();
  if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    return fail("clock-skew", `${dateHeader} is ${Math.round(skew / 1000)}s away from the server clock`);
  }

  const signature = Buffer.from(params.signature, "base64");
  if (!verify("sha256", Buffer.from(lines.join("\n"), "utf8"), key.publicKey, signature)) {
    return fail("bad-signature", "RSA-SHA256 signature does not verify over the signing string");
  }

  // Body checks come after the signature so they only judge requests whose headers are genuine.
  if (signed.has("content-length")) {
    const declared = headerValue(request.headers, "content-length");
    if (declared !== String(request.body.length)) {
      return fail(
        "content-length-mismatch",
        `content-length ${declared} but the body has ${request.body.length} bytes`,
      );
    }
  }
  if (signed.has("x-content-sha256")) {
    const expected = createHash("sha256").update(request.body).digest("base64");
    if (headerValue(request.headers, "x-content-sha256") !== expected) {
      return fail("body-hash-mismatch", "x-content-sha256 does not match the SHA-256 of the body");
    }
  }
  return { ok: true, caller: key.caller };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return value.join(", ");
  return value === "" ? undefined : value;
}

function fail(code: string, detail: string): VerifyResult {
  return { ok: false, reason: `${code}: ${detail}` };
}
