import { readFileSync } from "node:fs";
import { UserError } from "../errors.ts";
import type { FnContextInputs } from "../steps/fn-context.ts";

/**
 * The OIDC token a federated credential (Entra `federated`, fn-context `auth: oidc`) exchanges, outside
 * GitHub Actions: the CI system's own token (GitLab CI `id_tokens`, a Jenkins credential) from
 * FNGATE_FEDERATED_TOKEN or the file FNGATE_FEDERATED_TOKEN_FILE. On a GitHub runner, `github` (the
 * adapter's core.getIDToken path) is used when neither is set. The audience is the CI system's to set.
 */
export function ciOidcToken(
  env: NodeJS.ProcessEnv,
  github: (audience: string) => Promise<string>,
): (audience: string) => Promise<string> {
  return async (audience) => {
    const inline = env.FNGATE_FEDERATED_TOKEN?.trim();
    if (inline) return inline;
    const file = env.FNGATE_FEDERATED_TOKEN_FILE?.trim();
    if (file) {
      try {
        return readFileSync(file, "utf8").trim();
      } catch {
        throw new UserError(
          `FNGATE_FEDERATED_TOKEN_FILE: cannot read ${file}; give the path of the CI system's OIDC token file.`,
        );
      }
    }
    if (env.ACTIONS_ID_TOKEN_REQUEST_URL) return github(audience);
    throw new UserError(
      `an OIDC token (audience ${audience}) is needed: set FNGATE_FEDERATED_TOKEN (GitLab CI id_tokens, a Jenkins credential) or FNGATE_FEDERATED_TOKEN_FILE.`,
    );
  };
}

/** fn-context's `auth: oidc` inputs with the CI system's token source in place of GitHub's. */
export function withCiOidcToken(inputs: FnContextInputs, env: NodeJS.ProcessEnv): FnContextInputs {
  if (inputs.auth !== "oidc") return inputs;
  return { ...inputs, githubIdToken: ciOidcToken(env, inputs.githubIdToken) };
}
