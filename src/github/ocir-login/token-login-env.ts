import type { TokenLogin } from "../../steps/ocir-login.ts";

/**
 * How a later fn-deploy step learns that ocir-login logged in with a registry token (and can renew
 * it with the same OCI profile): ocir-login exports the login's names, never the token. Empty after an
 * auth token login, so an older registry token login is not renewed over it.
 */
export const TOKEN_LOGIN_VARIABLE = "FNGATE_OCIR_TOKEN_LOGIN";

export function exportedTokenLogin(env: NodeJS.ProcessEnv): TokenLogin | undefined {
  const text = env[TOKEN_LOGIN_VARIABLE]?.trim();
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<TokenLogin>;
    const { registry, namespace, regionId, expiresAt } = value;
    if (
      [registry, namespace, regionId, expiresAt].every((field) => typeof field === "string" && field !== "")
    ) {
      return value as TokenLogin;
    }
  } catch {
    // not ours, or edited by hand: no renewal, the push then says what the registry answered
  }
  return undefined;
}
