import { ConfigFileAuthenticationDetailsProvider, SessionAuthDetailProvider } from "oci-common";

/**
 * The provider every OCI client of ours signs with, read from the profile fn-context wrote. A profile
 * with security_token_file is a session (fn-context's `auth: oidc`): it must sign with keyId
 * `ST$<token>`, which only SessionAuthDetailProvider does; the plain provider would sign as
 * `<tenancy>//<fingerprint>` and be refused.
 */
export function profileAuthProvider(
  configFile: string,
  profile: string,
): ConfigFileAuthenticationDetailsProvider {
  const provider = new ConfigFileAuthenticationDetailsProvider(configFile, profile);
  if (provider.sessionToken) return new SessionAuthDetailProvider(configFile, profile);
  return provider;
}
