// An independent OCI request signer for hand-made requests in tests: it lets a test send exactly
// the headers and body it wants (a tampered hash, a missing signed header, a stale date) while
// still producing a genuine RSA-SHA256 signature. It follows the same rules as oci-common's
// DefaultRequestSigner, written from the spec rather than reusing it, so the emulator's verifier
// is checked against two signers.
import { createHash, type KeyObject, sign } from "node:crypto";

export interface SignOptions {
  method: string;
  url: string;
  /** Headers to send; host, x-date and (for POST/PUT/PATCH) body headers are added when absent. */
  headers?: Record<string, string>;
  body?: string | Buffer;
  keyId: string;
  privateKey: KeyObject | string;
  /** Names to sign, in order; defaults to what oci-common signs. */
  headersToSign?: string[];
  date?: Date;
}

export interface SignedHeaders {
  headers: Record<string, string>;
  body: Buffer;
}

export function signOciRequest(options: SignOptions): SignedHeaders {
  const url = new URL(options.url);
  const method = options.method.toUpperCase();
  const body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body ?? "", "utf8");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.host ??= url.host;
  headers["x-date"] ??= (options.date ?? new Date()).toUTCString();

  const withBody = ["POST", "PUT", "PATCH"].includes(method);
  if (withBody) {
    headers["content-type"] ??= "application/json";
    headers["content-length"] ??= String(body.length);
    headers["x-content-sha256"] ??= createHash("sha256").update(body).digest("base64");
  }
  const names =
    options.headersToSign ??
    (withBody
      ? ["x-date", "(request-target)", "host", "content-length", "content-type", "x-content-sha256"]
      : ["x-date", "(request-target)", "host"]);

  const target = `${url.pathname}${url.search}`;
  const signingString = names
    .map((name) =>
      name === "(request-target)"
        ? `(request-target): ${method.toLowerCase()} ${target}`
        : `${name}: ${headers[name]}`,
    )
    .join("\n");
  const signature = sign("sha256", Buffer.from(signingString, "utf8"), options.privateKey).toString("base64");
  headers.authorization =
    `Signature version="1",keyId="${options.keyId}",algorithm="rsa-sha256",` +
    `headers="${names.join(" ")}",signature="${signature}"`;
  return { headers, body };
}
