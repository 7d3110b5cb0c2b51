import type { FnContextInputs } from "../../steps/fn-context.ts";
import { actionInputs, type InputReader, withDefined } from "../inputs.ts";

/**
 * The fn-context inputs as one typed object. Credential inputs fall back to the OCI CLI's environment
 * variables so workflows written for the existing OCI actions work unchanged. The key and its
 * passphrase are masked before anything else is read or checked.
 */
export function getInputs(read: InputReader = actionInputs): FnContextInputs {
  const privateKey = read.optional("private-key", "OCI_CLI_KEY_CONTENT");
  const privateKeyPassphrase = read.optional("private-key-passphrase");
  if (privateKey) read.mask(privateKey);
  if (privateKeyPassphrase) read.mask(privateKeyPassphrase);

  const inputs: FnContextInputs = {
    userOcid: read.required("user-ocid", "OCI_CLI_USER"),
    tenancyOcid: read.required("tenancy-ocid", "OCI_CLI_TENANCY"),
    privateKey: read.required("private-key", "OCI_CLI_KEY_CONTENT"),
    region: read.required("region", "OCI_CLI_REGION"),
    profile: read.optional("profile") ?? "DEFAULT",
    contextName: read.optional("context-name") ?? "fngate",
    verify: read.boolean("verify", true),
  };
  const optional = {
    fingerprint: read.optional("fingerprint", "OCI_CLI_FINGERPRINT"),
    privateKeyPassphrase,
    compartmentOcid: read.optional("compartment-ocid"),
    registry: read.optional("registry"),
    apiUrl: read.optional("api-url"),
  };
  return withDefined(inputs, optional);
}
