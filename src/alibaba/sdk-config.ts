import type { ServiceEndpoint } from "./endpoints.ts";
import { Credential, CredentialConfig, OpenApiConfig } from "./sdk.ts";

/** What the FC client signs with: a long-lived AccessKey pair, or STS credentials (with their token). */
export interface AlibabaKeys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** How they were obtained, for the log and the summary. */
  source: "oidc" | "access-key";
}

/**
 * SDK client settings: endpoint, scheme, and short timeouts instead of the SDK's. The proxy is not set
 * here: the SDK ignores its proxy options for API calls; the adapter's proxy on Node's global agents
 * reaches it through the httpx shim in scripts/shims.
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
