import type { EntraTokenInputs } from "../steps/entra-token.ts";
import { type InputReader, withDefined } from "./reader.ts";

/** The entra-token inputs; the client secret and the certificate key are masked before anything else is read. */
export function readEntraTokenInputs(read: InputReader): EntraTokenInputs {
  const clientSecret = read.optional("client-secret");
  const clientCertificateKey = read.optional("client-certificate-key");
  if (clientSecret) read.mask(clientSecret);
  if (clientCertificateKey) read.mask(clientCertificateKey);

  const inputs: EntraTokenInputs = {
    tenantId: read.required("tenant-id"),
    clientId: read.required("client-id"),
    scope: read.required("scope"),
    federated: read.boolean("federated", false),
    authorityHost: read.optional("authority-host") ?? "login.microsoftonline.com",
    expected: {
      issuers: list(read.optional("expected-issuer")),
      audiences: list(read.optional("expected-audience")),
    },
  };
  return withDefined(inputs, {
    clientSecret,
    clientCertificate: read.optional("client-certificate"),
    clientCertificateKey,
    federatedAudience: read.optional("federated-audience"),
  });
}

/** Newline- or comma-separated values, as YAML block scalars and one-liners both write them. */
function list(text: string | undefined): string[] {
  return (text ?? "")
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
