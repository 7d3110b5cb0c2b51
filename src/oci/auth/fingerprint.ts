import { createHash } from "node:crypto";
import { UserError } from "../../errors.ts";

/** OCI's API key fingerprint: MD5 of the DER SubjectPublicKeyInfo, as colon-separated lower-case hex. */
export function fingerprintOf(publicKeyDer: Buffer): string {
  const hex = createHash("md5").update(publicKeyDer).digest("hex");
  return hex.match(/../g)?.join(":") ?? hex;
}

/**
 * Accepts the fingerprint the way people copy it (upper case, spaces, no colons) and returns OCI's form.
 */
export function normalizeFingerprint(value: string, inputName: string): string {
  const hex = value
    .trim()
    .toLowerCase()
    .replace(/[\s:-]/g, "");
  if (!/^[0-9a-f]{32}$/.test(hex)) {
    throw new UserError(
      `${inputName} must be 16 hex pairs like 12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0 (shown next to the API key in the console); got ${JSON.stringify(clip(value))}.`,
    );
  }
  return hex.match(/../g)?.join(":") ?? hex;
}

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
