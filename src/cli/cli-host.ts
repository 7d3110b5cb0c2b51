import { homedir } from "node:os";
import { type InputHost, missingConfigFile } from "../inputs/input-host.ts";
import type { SecretRegistrar } from "../step-context.ts";
import type { ToolSources } from "../tools/step-tools.ts";
import { commitSha } from "./commit-sha.ts";
import { cliOciProfile } from "./oci-profile.ts";
import { ciOidcToken } from "./oidc-token.ts";

/**
 * What the parsers learn from outside the inputs when the CLI runs them: the OCI profile the CLI's
 * fn-context wrote (or OCI_CLI_CONFIG_FILE), the commit from the CI system's variables, and the CI's
 * OIDC token (FNGATE_FEDERATED_TOKEN...). No default run label: only a given run-label labels anything.
 */
export function cliInputHost(env: NodeJS.ProcessEnv, homeDir: string, secrets: SecretRegistrar): InputHost {
  const idToken = ciOidcToken(env, secrets);
  const ociProfile = cliOciProfile(env, homeDir);
  // No profile although OCI_CLI_CONFIG_FILE is set: the file it names is gone.
  const named = ociProfile ? undefined : env.OCI_CLI_CONFIG_FILE?.trim() || undefined;
  return {
    ociProfile,
    noProfileAdvice: `${missingConfigFile(named)}run \`fngate fn-context\` first (it writes ~/.oci/config), or set OCI_CLI_CONFIG_FILE.`,
    ...commitSha(env),
    idToken: (audience) => idToken(audience),
  };
}

export function cliToolSources(env: NodeJS.ProcessEnv, secrets: SecretRegistrar): ToolSources {
  const idToken = ciOidcToken(env, secrets);
  return { env, homeDir: homedir(), idToken: (audience) => idToken(audience) };
}
