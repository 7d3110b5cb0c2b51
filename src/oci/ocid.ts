import { UserError } from "../errors.ts";

/** An OCID split into the parts that matter for validation: ocid1.<type>.<realm>.[region][.future].<unique>. */
export interface Ocid {
  value: string;
  resourceType: string;
  realm: string;
}

const OCID = /^ocid1\.([a-z0-9]+)\.([a-z0-9]+)\.([a-z0-9-]*)(?:\.[a-z0-9-]+)?\.([a-z0-9]{8,})$/;

export function parseOcid(value: string): Ocid | undefined {
  const match = OCID.exec(value);
  if (!match) return undefined;
  return { value, resourceType: match[1] ?? "", realm: match[2] ?? "" };
}

/**
 * Checks that an input holds an OCID of one of the expected types, and says which input and what was
 * wrong: a typo'd OCID otherwise surfaces much later as a 404 "NotAuthorizedOrNotFound".
 */
export function requireOcid(value: string, inputName: string, types: readonly string[]): Ocid {
  const trimmed = value.trim();
  const expected = types.map((t) => `ocid1.${t}.oc1..aaaa…`).join(" or ");
  const ocid = parseOcid(trimmed);
  if (!ocid) {
    throw new UserError(
      `${inputName} is not a valid OCID: expected ${expected}; got ${JSON.stringify(clip(trimmed))}.`,
    );
  }
  if (!types.includes(ocid.resourceType)) {
    throw new UserError(
      `${inputName} must be ${article(types[0] ?? "")} ${types.join(" or ")} OCID, but ${JSON.stringify(clip(trimmed))} is ${article(ocid.resourceType)} ${ocid.resourceType} OCID.`,
    );
  }
  return ocid;
}

function article(word: string): string {
  // By sound: "an apigateway", but "a user".
  return /^[aeio]/.test(word) ? "an" : "a";
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}
