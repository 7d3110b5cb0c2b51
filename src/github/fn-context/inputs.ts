import type { FnContextInputs } from "../../steps/fn-context.ts";
import { booleanInput, optionalInput, requiredInput } from "../inputs.ts";
import { maskSecret } from "../step-context.ts";

/**
 * The fn-context inputs as one typed object. Credential inputs fall back to the OCI CLI's environment
 * variables so workflows written for the existing OCI actions work unchanged. The key and its
 * passphrase are masked before anything else is read or checked.
 */
export function getInputs(): FnContextInputs {
  const privateKey = optionalInput("private-key", "OCI_CLI_KEY_CONTENT");
  const privateKeyPassphrase = optionalInput("private-key-passphrase");
  if (privateKey) maskSecret(privateKey);
  if (privateKeyPassphrase) maskSecret(privateKeyPassphrase);

  const inputs: FnContextInputs = {
    userOcid: requiredInput("user-ocid", "OCI_CLI_USER"),
    tenancyOcid: requiredInput("tenancy-ocid", "OCI_CLI_TENANCY"),
    privateKey: requiredInput("private-key", "OCI_CLI_KEY_CONTENT"),
    region: requiredInput("region", "OCI_CLI_REGION"),
    profile: optionalInput("profile") ?? "DEFAULT",
    contextName: optionalInput("context-name") ?? "fngate",
    verify: booleanInput("verify", true),
  };
  const optional = {
    fingerprint: optionalInput("fingerprint", "OCI_CLI_FINGERPRINT"),
    privateKeyPassphrase,
    compartmentOcid: optionalInput("compartment-ocid"),
    registry: optionalInput("registry"),
    apiUrl: optionalInput("api-url"),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(inputs, { [key]: value });
  }
  return inputs;
}
