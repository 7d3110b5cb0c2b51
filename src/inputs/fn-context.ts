import { UserError } from "../errors.ts";
import type { ApiKeyAuth, FnContextInputs, FnContextSettings, OidcAuth } from "../steps/fn-context.ts";
import type { InputHost } from "./input-host.ts";
import { type InputReader, withDefined } from "./reader.ts";

/**
 * The fn-context inputs as one typed object. Credential inputs fall back to the OCI CLI's environment
 * variables so workflows written for the existing OCI actions work unchanged. Secrets (the key, its
 * passphrase, the identity domain client secret) are masked before anything else is read or checked.
 */
export function readFnContextInputs(read: InputReader, host: InputHost): FnContextInputs {
  const auth = read.field("auth", () => authOf(read.optional("auth") ?? "api-key"));
  // With auth refused, which credential inputs apply is unknown: they are not read (nor refused).
  const credentials =
    auth === "oidc" ? oidcInputs(read, host) : auth === "api-key" ? apiKeyInputs(read) : undefined;
  const settings = withDefined<FnContextSettings>(
    {
      tenancyOcid: read.required("tenancy-ocid", "OCI_CLI_TENANCY"),
      region: read.required("region", "OCI_CLI_REGION"),
      profile: read.optional("profile") ?? "DEFAULT",
      contextName: read.optional("context-name") ?? "fngate",
      verify: read.boolean("verify", true),
    },
    {
      compartmentOcid: read.optional("compartment-ocid"),
      registry: read.optional("registry"),
      apiUrl: read.optional("api-url"),
    },
  );
  return { ...settings, ...(credentials as ApiKeyAuth | OidcAuth) };
}

function authOf(value: string): "api-key" | "oidc" {
  if (value === "api-key" || value === "oidc") return value;
  throw new UserError(
    `auth must be api-key (an API signing key) or oidc (GitHub OIDC exchanged at an identity domain); got ${JSON.stringify(value.slice(0, 40))}.`,
  );
}

function apiKeyInputs(read: InputReader): ApiKeyAuth {
  const privateKey = read.optional("private-key", "OCI_CLI_KEY_CONTENT");
  const privateKeyPassphrase = read.optional("private-key-passphrase");
  if (privateKey) read.mask(privateKey);
  if (privateKeyPassphrase) read.mask(privateKeyPassphrase);
  const inputs: ApiKeyAuth = {
    auth: "api-key",
    userOcid: read.required("user-ocid", "OCI_CLI_USER"),
    privateKey: read.required("private-key", "OCI_CLI_KEY_CONTENT"),
  };
  return withDefined(inputs, {
    fingerprint: read.optional("fingerprint", "OCI_CLI_FINGERPRINT"),
    privateKeyPassphrase,
  });
}

function oidcInputs(read: InputReader, host: InputHost): OidcAuth {
  const clientSecret = read.optional("client-secret");
  if (clientSecret) read.mask(clientSecret);
  // An API key given alongside auth: oidc is a long-lived secret the workflow should not hold at all.
  for (const name of ["private-key", "private-key-passphrase", "user-ocid", "fingerprint"]) {
    read.field(name, () => {
      if (read.optional(name) === undefined) return;
      throw new UserError(
        `${name} is an API key input, but auth is oidc: remove ${name} (and its repository secret); the session key is generated per run.`,
      );
    });
  }
  const identityDomainUrl = read.required("identity-domain-url");
  const clientId = read.required("client-id");
  // Its default (the identity domain's URL) is the plan's: src/oci/auth/fn-context-plan.ts.
  const oidcAudience = read.optional("oidc-audience");
  read.field("client-secret", () => {
    if (clientSecret !== undefined) return;
    throw new UserError(
      "client-secret (oci-client-secret in the root action) is required with auth: oidc: the identity domain authenticates the token exchange's confidential application by its client ID and secret; copy the secret from Identity > Domains > Integrated applications > OAuth configuration into a repository secret.",
    );
  });
  return {
    auth: "oidc",
    identityDomainUrl,
    clientId,
    clientSecret: clientSecret as string,
    ...(oidcAudience === undefined ? {} : { oidcAudience }),
    githubIdToken: (audience) => host.idToken(audience, "auth: oidc"),
  };
}
