import { describeError, UserError } from "../errors.ts";
import type { StepContext } from "../steps/step-context.ts";
import { type ServiceEndpoint, stsEndpoint } from "./endpoints.ts";
import { AssumeRoleWithOIDCRequest, Credential, CredentialConfig, OpenApiConfig, StsClient } from "./sdk.ts";

/** What the FC client signs with: a long-lived AccessKey pair, or STS credentials (with their token). */
export interface AlibabaKeys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** How they were obtained, for the log and the summary. */
  source: "oidc" | "access-key";
}

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

/**
 * SDK client settings: endpoint, scheme, and short timeouts instead of the SDK's. The proxy is not set
 * here: the SDK ignores these options for API calls (see sdk-proxy.ts).
 */
export function sdkConfig(endpoint: ServiceEndpoint, keys?: AlibabaKeys) {
  const config = new OpenApiConfig({
    endpoint: endpoint.host,
    protocol: endpoint.protocol,
    connectTimeout: 10_000,
    readTimeout: 60_000,
  });
  if (keys) {
    config.credential = new Credential(
      new CredentialConfig(
        keys.securityToken
          ? {
              type: "sts",
              accessKeyId: keys.accessKeyId,
              accessKeySecret: keys.accessKeySecret,
              securityToken: keys.securityToken,
            }
          : { type: "access_key", accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret },
      ),
    );
  }
  return config;
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

export function errorCode(error: unknown): string {
  if (typeof error === "object" && error !== null && "code" in error) return String(error.code);
  return "";
}

/** The SDK's message is "code: <status>, <message> request id: <id>"; keep the part a person needs. */
export function shortMessage(error: unknown): string {
  const data = typeof error === "object" && error !== null && "data" in error ? error.data : undefined;
  const message =
    typeof data === "object" && data !== null && "Message" in data && typeof data.Message === "string"
      ? data.Message
      : typeof data === "object" && data !== null && "message" in data && typeof data.message === "string"
        ? data.message
        : describeError(error);
  return message.replace(/\s+/g, " ").slice(0, 300);
}
