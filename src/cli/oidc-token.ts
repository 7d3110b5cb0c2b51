import { readFileSync } from "node:fs";
import { UserError } from "../errors.ts";
import { checkInputText } from "../inputs/check-input-text.ts";
import { SINGLE_LINE_TEXT } from "../inputs/input-shapes.ts";
import type { SecretRegistrar } from "../step-context.ts";

/**
 * The OIDC token a federated credential (Entra `federated`, fn-context `auth: oidc`) exchanges, outside
 * GitHub Actions: the CI system's own token (GitLab CI `id_tokens`, a Jenkins credential) from
 * FNGATE_FEDERATED_TOKEN or the file FNGATE_FEDERATED_TOKEN_FILE. On a GitHub runner, when neither is
 * set, the job's token from the runner's token endpoint. The audience is the CI system's to set. Every
 * token is registered as a secret, so the CLI's redactor hides it wherever it might be quoted.
 */
export function ciOidcToken(
  env: NodeJS.ProcessEnv,
  secrets: SecretRegistrar,
): (audience: string) => Promise<string> {
  return async (audience) => {
    const token = await findToken(env, audience);
    secrets.register(token);
    return token;
  };
}

async function findToken(env: NodeJS.ProcessEnv, audience: string): Promise<string> {
  const inline = env.FNGATE_FEDERATED_TOKEN?.trim();
  if (inline) {
    checkInputText("FNGATE_FEDERATED_TOKEN", inline, SINGLE_LINE_TEXT);
    return inline;
  }
  const file = env.FNGATE_FEDERATED_TOKEN_FILE?.trim();
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8").trim();
    } catch {
      throw new UserError(
        `FNGATE_FEDERATED_TOKEN_FILE: cannot read ${file}; give the path of the CI system's OIDC token file.`,
      );
    }
    checkInputText("FNGATE_FEDERATED_TOKEN_FILE (the file's text)", text, SINGLE_LINE_TEXT);
    return text;
  }
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL) return githubRunnerToken(env, audience);
  throw new UserError(
    `an OIDC token (audience ${audience}) is needed: set FNGATE_FEDERATED_TOKEN (GitLab CI id_tokens, a Jenkins credential) or FNGATE_FEDERATED_TOKEN_FILE.`,
  );
}

/**
 * The job's GitHub OIDC token, asked of the runner's token endpoint as @actions/core's getIDToken asks
 * it (GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=..., bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN, answer
 * {"value": ...}), but without its workflow commands: getIDToken writes `::debug::` and
 * `::add-mask::<token>` to stdout, which is the CLI's --json document.
 */
async function githubRunnerToken(env: NodeJS.ProcessEnv, audience: string): Promise<string> {
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestToken) {
    throw new UserError(
      "ACTIONS_ID_TOKEN_REQUEST_URL is set but ACTIONS_ID_TOKEN_REQUEST_TOKEN is not: give the job `permissions: id-token: write`, or set FNGATE_FEDERATED_TOKEN.",
    );
  }
  const url = `${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(audience)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${requestToken}`, accept: "application/json" },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(
      `the GitHub OIDC token request (ACTIONS_ID_TOKEN_REQUEST_URL) failed (${reason}): check the runner's network and proxy.`,
    );
  }
  const body = (await response.json().catch(() => ({}))) as { value?: unknown };
  if (!response.ok || typeof body.value !== "string" || body.value === "") {
    throw new UserError(
      `the GitHub OIDC token request (ACTIONS_ID_TOKEN_REQUEST_URL) was answered ${response.status} without a token: check that the job has \`permissions: id-token: write\`.`,
    );
  }
  return body.value;
}
