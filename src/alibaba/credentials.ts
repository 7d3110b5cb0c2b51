import { UserError } from "../errors.ts";
import type { StepContext } from "../step-context.ts";
import { stsEndpoint } from "./endpoints.ts";
import { AssumeRoleWithOIDCRequest, StsClient } from "./sdk.ts";
import { type AlibabaKeys, sdkConfig } from "./sdk-config.ts";
import { errorCode, shortMessage } from "./sdk-errors.ts";

export type CredentialInputs =
  | {
      kind: "oidc";
      oidcProviderArn: string;
      roleToAssume: string;
      roleSessionName: string;
      /** The GitHub OIDC token; the adapter fetches it with the configured audience. */
      githubIdToken: () => Promise<string>;
    }
  | { kind: "access-key"; accessKeyId: string; accessKeySecret: string; securityToken?: string };

/**
 * Exchanges the job's GitHub OIDC token for STS credentials of `role-to-assume`
 * (AssumeRoleWithOIDC, an anonymous call: the token is the proof), or passes AccessKey inputs through.
 * Every secret is registered before it is used.
 */
export async function resolveKeys(
  inputs: CredentialInputs,
  ctx: StepContext,
  region: string,
): Promise<AlibabaKeys> {
  if (inputs.kind === "access-key") {
    ctx.secrets.register(inputs.accessKeySecret);
    if (inputs.securityToken) ctx.secrets.register(inputs.securityToken);
    return {
      accessKeyId: inputs.accessKeyId,
      accessKeySecret: inputs.accessKeySecret,
      ...(inputs.securityToken ? { securityToken: inputs.securityToken } : {}),
      source: "access-key",
    };
  }
  const token = await inputs.githubIdToken();
  ctx.secrets.register(token);
  const endpoint = stsEndpoint({ override: ctx.endpoints.alibaba, region });
  const client = new StsClient(sdkConfig(endpoint));
  let response: Awaited<ReturnType<StsClient["assumeRoleWithOIDC"]>>;
  try {
    response = await client.assumeRoleWithOIDC(
      new AssumeRoleWithOIDCRequest({
        OIDCProviderArn: inputs.oidcProviderArn,
        roleArn: inputs.roleToAssume,
        OIDCToken: token,
        roleSessionName: inputs.roleSessionName,
        durationSeconds: 3600,
      }),
    );
  } catch (error) {
    throw new UserError(explainStsFailure(error, inputs.roleToAssume, inputs.oidcProviderArn));
  }
  const credentials = response.body?.credentials;
  if (!credentials?.accessKeyId || !credentials.accessKeySecret || !credentials.securityToken) {
    throw new Error("AssumeRoleWithOIDC answered without credentials");
  }
  ctx.secrets.register(credentials.accessKeySecret);
  ctx.secrets.register(credentials.securityToken);
  ctx.logger.info(
    `Signed in as ${response.body?.assumedRoleUser?.arn ?? inputs.roleToAssume} with the GitHub OIDC token (no stored key).`,
  );
  return {
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    securityToken: credentials.securityToken,
    source: "oidc",
  };
}

const STS_HINTS: Record<string, string> = {
  "EntityNotExist.Role": "the role does not exist: check role-to-assume (RAM console > Roles > ARN)",
  "EntityNotExist.OIDCProvider":
    "the OIDC provider does not exist: check oidc-provider-arn (RAM console > SSO > OIDC)",
  "AuthenticationFail.OIDCToken.Expired": "the GitHub OIDC token has expired: re-run the job",
  "AuthenticationFail.OIDCToken.Invalid":
    "the GitHub OIDC token was not accepted: the OIDC provider's issuer URL must be https://token.actions.githubusercontent.com",
  "AuthenticationFail.OIDCToken.AudienceMismatch":
    "the token's audience is not one of the OIDC provider's client IDs: set oidc-audience to a client ID of the provider (default sts.aliyuncs.com)",
  NoPermission:
    "the role's trust policy does not allow this GitHub job: trust the OIDC provider with a condition on oidc:sub such as repo:ORG/REPO:ref:refs/heads/main",
};

function explainStsFailure(error: unknown, role: string, provider: string): string {
  const code = errorCode(error);
  const hint = STS_HINTS[code];
  if (hint)
    return `role-to-assume: AssumeRoleWithOIDC for ${role} via ${provider} failed (${code}): ${hint}.`;
  return `role-to-assume: AssumeRoleWithOIDC for ${role} failed: ${shortMessage(error)}.`;
}
