import { stsEndpoint } from "../../alibaba/endpoints.ts";
import { StsClient } from "../../alibaba/sdk.ts";
import { type AlibabaKeys, sdkConfig } from "../../alibaba/sdk-config.ts";
import { errorCode, shortMessage } from "../../alibaba/sdk-errors.ts";
import { type CheckRow, missing, ok } from "../check-row.ts";

export const IDENTITY = "Alibaba credentials and region endpoint";

export interface CallerIdentity {
  accountId: string;
  arn: string;
}

/**
 * STS GetCallerIdentity at the region's endpoint: signed, read-only and needing no RAM grant
 * (https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-getcalleridentity),
 * so an answer proves both the credentials and the endpoint, and names the account.
 */
export async function checkIdentity(
  keys: AlibabaKeys,
  override: string | undefined,
  region: string,
  accountId: string | undefined,
): Promise<{ row: CheckRow; identity?: CallerIdentity }> {
  const endpoint = stsEndpoint({ override, region });
  const client = new StsClient(sdkConfig(endpoint, keys));
  let body: { accountId?: string; arn?: string } | undefined;
  try {
    body = (await client.getCallerIdentity()).body;
  } catch (error) {
    const code = errorCode(error);
    const fix = code.startsWith("InvalidAccessKeyId")
      ? "the AccessKey does not exist or is disabled: create one (RAM console > Users > the user > Create AccessKey) and set access-key-id and access-key-secret"
      : code.startsWith("SignatureDoesNotMatch")
        ? "access-key-secret does not belong to access-key-id: set the secret shown when the AccessKey was created"
        : code.startsWith("InvalidSecurityToken")
          ? "the STS token is expired or does not belong to the AccessKey: set security-token anew, or use role-to-assume"
          : `check region (${region}) and the network path to ${endpoint.host}`;
    return {
      row: missing(
        IDENTITY,
        `GetCallerIdentity at ${endpoint.host} failed: ${code ? `${code}: ` : ""}${shortMessage(error)}`,
        fix,
        true,
      ),
    };
  }
  if (!body?.accountId || !body.arn) throw new Error("GetCallerIdentity answered without AccountId and Arn");
  const identity = { accountId: body.accountId, arn: body.arn };
  if (accountId && accountId !== identity.accountId)
    return {
      row: missing(
        IDENTITY,
        `the credentials belong to account ${identity.accountId}, not account-id ${accountId}`,
        `set account-id to ${identity.accountId}, or use credentials of account ${accountId}`,
        true,
      ),
      identity,
    };
  return {
    row: ok(IDENTITY, `${identity.arn} (account ${identity.accountId}) at ${endpoint.host}`),
    identity,
  };
}
