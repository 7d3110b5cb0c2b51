import { getInputs } from "../../inputs/fn-context.ts";
import { configureFnContext } from "../../steps/fn-context.ts";
import type { CommandRunner } from "../command.ts";
import { withCiOidcToken } from "../oidc-token.ts";

export const run: CommandRunner = async ({ read, ctx, env, cleanup }) => {
  const inputs = withCiOidcToken(getInputs(read), env, ctx.secrets);
  const result = await configureFnContext(inputs, ctx, {
    onRestorePlan: (plan) => cleanup.addFnContext(plan),
  });
  ctx.logger.info(
    result.changed.length > 0
      ? `wrote ${result.changed.length} file(s); undo with \`fngate cleanup\``
      : "nothing changed: the files already hold these settings",
  );
  if (result.auth === "oidc") {
    ctx.logger.info(
      "the profile signs with a session token: run the OCI CLI with OCI_CLI_AUTH=security_token",
    );
  }
  return {
    outputs: {
      "config-file": result.configFile,
      profile: result.profile,
      "key-file": result.keyFile,
      "context-name": result.contextName,
      "api-url": result.apiUrl,
      region: result.region,
      fingerprint: result.fingerprint,
      registry: result.registry,
      changed: String(result.changed.length > 0),
      ...(result.namespace ? { namespace: result.namespace } : {}),
      ...(result.securityTokenFile ? { "security-token-file": result.securityTokenFile } : {}),
      ...(result.sessionExpiresAt ? { "session-expires-at": result.sessionExpiresAt.toISOString() } : {}),
    },
  };
};
