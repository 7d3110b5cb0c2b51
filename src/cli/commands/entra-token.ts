import { readFileSync } from "node:fs";
import { UserError } from "../../errors.ts";
import { writePrivateFile } from "../../fs/secure-file.ts";
import { getInputs, getTools } from "../../github/entra-token/inputs.ts";
import { entraToken } from "../../steps/entra-token.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, ctx, env, flag }) => {
  const inputs = getInputs(read);
  const result = await entraToken(inputs, ctx, federatedTokenSource(env));
  const tokenFile = flag("token-file");
  if (tokenFile) await writePrivateFile(tokenFile, result.accessToken);
  const { claims } = result;
  return {
    outputs: {
      ...(tokenFile ? { "access-token-file": tokenFile } : {}),
      "expires-on": result.expiresOn.toISOString(),
      issuer: claims.issuer,
      audience: claims.audience,
      version: claims.version,
      roles: claims.roles.join(","),
      "tenant-id": claims.tenantId,
    },
  };
};

/**
 * federated: true outside GitHub Actions: the CI system's own OIDC token (GitLab CI `id_tokens`, a
 * Jenkins credential) in FNGATE_FEDERATED_TOKEN or the file FNGATE_FEDERATED_TOKEN_FILE; on GitHub the
 * runner's token as the action gets it.
 */
function federatedTokenSource(env: NodeJS.ProcessEnv) {
  return {
    githubIdToken: async (audience: string) => {
      const inline = env.FNGATE_FEDERATED_TOKEN?.trim();
      if (inline) return inline;
      const file = env.FNGATE_FEDERATED_TOKEN_FILE?.trim();
      if (file) {
        try {
          return readFileSync(file, "utf8").trim();
        } catch {
          throw new UserError(
            `FNGATE_FEDERATED_TOKEN_FILE: cannot read ${file}; give the path of the OIDC token file.`,
          );
        }
      }
      if (env.ACTIONS_ID_TOKEN_REQUEST_URL) return getTools().githubIdToken(audience);
      throw new UserError(
        "federated: true needs an OIDC token: set FNGATE_FEDERATED_TOKEN (GitLab CI id_tokens, a Jenkins credential) or FNGATE_FEDERATED_TOKEN_FILE.",
      );
    },
  };
}
