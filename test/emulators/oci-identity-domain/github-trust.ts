// One call that sets up what an OCI administrator does for `auth: oidc`: an integrated application
// allowed the token exchange grant, and an identity propagation trust for the (local) GitHub issuer
// that maps one repository's workflows to a service user of the tenancy.
import type { EmulatorStack } from "../stack.ts";
import { identityDomainOf, TOKEN_EXCHANGE_GRANT } from "./store.ts";

export interface GithubTrustOptions {
  tenancyId: string;
  /** The user the sessions act as. */
  userId: string;
  repository: string;
  audience?: string;
  /** Grant types of the application; default: client credentials and token exchange. */
  grantTypes?: string[];
  /** false: the trust is never created (token exchange not configured). */
  trust?: boolean;
}

export interface GithubTrust {
  clientId: string;
  clientSecret: string;
  audience: string;
  /** fn-context inputs for auth: oidc, without any API key input. */
  inputs(overrides?: Record<string, string>): Record<string, string>;
}

let counter = 0;

export function trustGithubRepository(stack: EmulatorStack, options: GithubTrustOptions): GithubTrust {
  counter += 1;
  const domain = identityDomainOf(stack.oci.state, stack.oci.now);
  const clientId = `fngate-ci-${counter}-${process.pid}`;
  const clientSecret = `idcs-secret-${counter}-${process.pid}-0123456789abcdef`;
  const audience = options.audience ?? "https://fngate.example/oci";
  domain.addClient({
    clientId,
    clientSecret,
    grantTypes: options.grantTypes ?? ["client_credentials", TOKEN_EXCHANGE_GRANT],
  });
  if (options.trust !== false) {
    domain.addTrust({
      issuer: stack.githubOidc.issuer,
      jwks: stack.githubOidc.keys.jwks({ alg: "RS256" }) as never,
      audiences: [audience],
      clientIds: [clientId],
      rules: [{ subject: `repo:${options.repository}:*`, userId: options.userId }],
      tenancyId: options.tenancyId,
    });
  }
  return {
    clientId,
    clientSecret,
    audience,
    inputs: (overrides = {}) => ({
      auth: "oidc",
      "identity-domain-url": stack.endpoints.oci,
      "client-id": clientId,
      "client-secret": clientSecret,
      "oidc-audience": audience,
      "tenancy-ocid": options.tenancyId,
      region: "ap-tokyo-1",
      ...overrides,
    }),
  };
}
