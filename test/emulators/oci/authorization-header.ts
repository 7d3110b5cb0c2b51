// Parses the Authorization header of an OCI request signature (draft-cavage HTTP signatures as
// oci-common writes them): `Signature version="1",keyId="...",algorithm="rsa-sha256",
// headers="...",signature="..."`. Parsing only; what the fields must contain is checked in
// signature.ts.

export interface SignatureParams {
  version: string | undefined;
  keyId: string;
  algorithm: string;
  /** Lower-cased names in signing order. oci-common writes some in mixed case (Content-Type). */
  headers: string[];
  signature: string;
}

export type ParseResult = { ok: true; params: SignatureParams } | { ok: false; reason: string };

const PARAM = /\s*([A-Za-z]+)="([^"]*)"\s*(?:,|$)/y;

export function parseAuthorizationHeader(value: string | undefined): ParseResult {
  if (!value) return { ok: false, reason: "missing-authorization: no Authorization header" };
  const match = /^Signature\s+(.*)$/s.exec(value);
  if (!match?.[1]) return { ok: false, reason: "malformed-authorization: scheme is not Signature" };

  const rest = match[1];
  const fields = new Map<string, string>();
  PARAM.lastIndex = 0;
  while (PARAM.lastIndex < rest.length) {
    const start = PARAM.lastIndex;
    const param = PARAM.exec(rest);
    if (!param?.[1] || param[2] === undefined) {
      return { ok: false, reason: `malformed-authorization: cannot parse parameters at offset ${start}` };
    }
    if (fields.has(param[1])) return { ok: false, reason: `malformed-authorization: duplicate ${param[1]}` };
    fields.set(param[1], param[2]);
  }

  const keyId = fields.get("keyId");
  const algorithm = fields.get("algorithm");
  const headers = fields.get("headers");
  const signature = fields.get("signature");
  for (const [name, field] of [
    ["keyId", keyId],
    ["algorithm", algorithm],
    ["headers", headers],
    ["signature", signature],
  ] as const) {
    if (!field) return { ok: false, reason: `malformed-authorization: ${name} is missing` };
  }
  return {
    ok: true,
    params: {
      version: fields.get("version"),
      keyId: keyId ?? "",
      algorithm: algorithm ?? "",
      headers: (headers ?? "")
        .split(/\s+/)
        .filter(Boolean)
        .map((name) => name.toLowerCase()),
      signature: signature ?? "",
    },
  };
}
