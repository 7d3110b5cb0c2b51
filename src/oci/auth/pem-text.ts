import { UserError } from "../../errors.ts";

/**
 * Turns the forms people paste into CI secrets back into a canonical PEM block: literal "\n" escapes,
 * CRLF, surrounding quotes and blanks, a body folded onto one line, text around the block (the OCI
 * console appends "OCI_API_KEY" to downloaded keys), or the whole PEM base64-encoded once more.
 * Pure: the decision about what the text is, no crypto.
 */
export interface PemBlock {
  label: string;
  /** Encryption headers of the traditional OpenSSL format (Proc-Type/DEK-Info), in order. */
  headers: string[];
  /** The body as one base64 string without whitespace. */
  body: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/;
const HEADER = /(Proc-Type:\s*[0-9]+,[A-Z]+|DEK-Info:\s*[A-Za-z0-9-]+,[0-9A-Fa-f]+)/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function repairPemText(raw: string, inputName: string): PemBlock {
  let text = unwrapQuotes(raw.trim());
  // Escaped newlines, possibly escaped twice by a templating layer ("\\n").
  text = text.replace(/(\\+r)?\\+n/g, "\n").replace(/\r\n?/g, "\n");
  if (!text.includes("-----BEGIN")) {
    const decoded = decodeBase64Text(text);
    if (decoded?.includes("-----BEGIN")) return repairPemText(decoded, inputName);
    throw new UserError(
      `${inputName} is not a PEM private key: no "-----BEGIN ... PRIVATE KEY-----" line. Paste the whole key file, including its BEGIN and END lines.`,
    );
  }
  const match = BLOCK.exec(text);
  if (!match) {
    throw new UserError(
      `${inputName} has a BEGIN line but no matching END line: the secret was cut short when it was pasted. Paste the whole key file again.`,
    );
  }
  const [, label = "", inner = "", endLabel = ""] = match;
  if (label !== endLabel) {
    throw new UserError(
      `${inputName} starts with "BEGIN ${label}" but ends with "END ${endLabel}": the key text is mixed up.`,
    );
  }
  const headers = [...inner.matchAll(HEADER)].map((m) => (m[1] ?? "").replace(/:\s*/, ": "));
  const body = inner.replace(HEADER, "").replace(/\s+/g, "");
  if (body.length === 0 || !BASE64.test(body)) {
    throw new UserError(
      `${inputName} has a PEM body that is not valid base64: a character was changed or lost when it was pasted. Paste the key file again.`,
    );
  }
  return { label, headers, body };
}

export function formatPemBlock(block: PemBlock): string {
  const lines = [`-----BEGIN ${block.label}-----`];
  if (block.headers.length > 0) lines.push(...block.headers, "");
  for (let i = 0; i < block.body.length; i += 64) lines.push(block.body.slice(i, i + 64));
  lines.push(`-----END ${block.label}-----`, "");
  return lines.join("\n");
}

function unwrapQuotes(text: string): string {
  let current = text;
  while (current.length >= 2) {
    const first = current[0];
    if ((first === '"' || first === "'" || first === "`") && current.endsWith(first)) {
      current = current.slice(1, -1).trim();
    } else {
      break;
    }
  }
  return current;
}

function decodeBase64Text(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  if (!BASE64.test(compact)) return undefined;
  return Buffer.from(compact, "base64").toString("utf8");
}
