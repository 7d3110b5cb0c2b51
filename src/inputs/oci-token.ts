import type { OciTokenInputs } from "../steps/oci-token.ts";
import { type InputReader, withDefined } from "./reader.ts";

/** The oci-token inputs; the credential secret is masked before anything else is read. */
export function readOciTokenInputs(read: InputReader): OciTokenInputs {
  const credentialSecret = read.required("credential-secret");
  read.mask(credentialSecret);
  const inputs: OciTokenInputs = {
    credentialOcid: read.required("credential-ocid"),
    credentialSecret,
    region: read.required("region", "OCI_CLI_REGION"),
    scopes: (read.optional("scope") ?? "").split(/[\s,]+/).filter(Boolean),
  };
  return withDefined(inputs, { audience: read.optional("audience") });
}
