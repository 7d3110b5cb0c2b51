import { existsSync } from "node:fs";
import { homedir } from "node:os";
import type { InputHost } from "../inputs/input-host.ts";
import { missingConfigFile } from "../inputs/input-host.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import type { TokenLogin } from "../steps/ocir-login.ts";
import type { ToolSources } from "../tools/step-tools.ts";
import { githubOidcToken } from "./github-oidc-token.ts";
import { githubRunLabel } from "./run-label.ts";

/** What the parsers learn from the runner's environment besides the inputs (see InputHost). */
export function actionInputHost(env: NodeJS.ProcessEnv): InputHost {
  const exported = exportedOciProfile(env);
  // A variable naming a file that is gone (a later job, a deleted runner temp) is no profile, said so.
  const ociProfile = exported && existsSync(exported.configFile) ? exported : undefined;
  const gitSha = env.GITHUB_SHA?.trim() || undefined;
  const defaultRunLabel = githubRunLabel(env);
  return {
    ociProfile,
    noProfileAdvice: `${missingConfigFile(ociProfile ? undefined : exported?.configFile)}run fn-context first in this job (it writes ~/.oci/config and exports OCI_CLI_CONFIG_FILE and OCI_CLI_PROFILE).`,
    ...(gitSha ? { gitSha } : {}),
    ...(defaultRunLabel ? { defaultRunLabel } : {}),
    idToken: (audience, asker, why) => githubOidcToken(env, audience, asker, why),
  };
}

export function actionToolSources(env: NodeJS.ProcessEnv): ToolSources {
  return {
    env,
    homeDir: homedir(),
    idToken: (audience, asker, why) => githubOidcToken(env, audience, asker, why),
  };
}

/** The OCI profile an earlier fn-context step exported; undefined when there is none. */
export function exportedOciProfile(env: NodeJS.ProcessEnv): OciProfile | undefined {
  const configFile = env.OCI_CLI_CONFIG_FILE?.trim();
  return configFile ? { configFile, profile: env.OCI_CLI_PROFILE?.trim() || "DEFAULT" } : undefined;
}

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
