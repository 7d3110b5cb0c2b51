// Identifiers shaped like the real ones, so code that validates or parses OCIDs and namespaces
// (regexes, "is this a tenancy OCID?" checks) sees what it would see against Oracle Cloud.
import { randomBytes } from "node:crypto";

const BASE32_LOWER = "abcdefghijklmnopqrstuvwxyz234567";
const ALPHANUMERIC_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789";

/** `ocid1.<type>.oc1..aaaaaaaa<52 base32 chars>`; regional resources pass their region key. */
export function newOcid(type: string, region = ""): string {
  return `ocid1.${type}.oc1.${region}.aaaaaaaa${randomChars(BASE32_LOWER, 52)}`;
}

/** An Object Storage namespace, e.g. `axk4abcdefgh`: lower-case alphanumerics, 12 long. */
export function newNamespace(): string {
  return `ax${randomChars(ALPHANUMERIC_LOWER, 10)}`;
}

/**
 * An `opc-request-id` like OCI's: upper-case hex, slash-separated. OCI keeps the id a client sent
 * (oci-sdk sends one with every call) as the first part, so both sides can find the request.
 */
export function newRequestId(clientRequestId?: string): string {
  const hex = randomBytes(24).toString("hex").toUpperCase();
  const serverPart = `${hex.slice(0, 32)}/${hex.slice(32, 48)}`;
  const client = clientRequestId?.replace(/[^A-Za-z0-9-]/g, "").slice(0, 98);
  return client ? `${client}/${serverPart}` : serverPart;
}

export function isOcid(value: string, type?: string): boolean {
  const match = /^ocid1\.([a-z0-9]+)\.[a-z0-9-]+\.[a-z0-9-]*\.[a-z0-9]+$/.exec(value);
  return match !== null && (type === undefined || match[1] === type);
}

function randomChars(alphabet: string, length: number): string {
  // Rejection sampling keeps the distribution uniform for alphabets that do not divide 256.
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}
