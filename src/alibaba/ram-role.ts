import { ramEndpoint } from "./endpoints.ts";
import { OpenApiClient, OpenApiParams, OpenApiRequest, RuntimeOptions } from "./sdk.ts";
import { type AlibabaKeys, sdkConfig } from "./sdk-config.ts";

export interface RamRole {
  arn: string;
  /** The trust policy (AssumeRolePolicyDocument), a JSON string. */
  trustDocument: string;
}

/**
 * RAM GetRole, a read-only call (https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-getrole),
 * through the SDK's generic client: RPC style, Version 2015-05-01, signed like every other call.
 * SDK errors (EntityNotExist.Role, NoPermission ...) are thrown as the SDK raises them.
 */
export async function getRamRole(
  keys: AlibabaKeys,
  override: string | undefined,
  roleName: string,
): Promise<RamRole> {
  const client = new OpenApiClient(sdkConfig(ramEndpoint({ override }), keys));
  const params = new OpenApiParams({
    action: "GetRole",
    version: "2015-05-01",
    protocol: "HTTPS",
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
  const answer = await client.callApi(
    params,
    new OpenApiRequest({ query: { RoleName: roleName } }),
    new RuntimeOptions({}),
  );
  const role = (answer.body as { Role?: { Arn?: unknown; AssumeRolePolicyDocument?: unknown } } | undefined)
    ?.Role;
  if (typeof role?.Arn !== "string" || typeof role.AssumeRolePolicyDocument !== "string")
    throw new Error("GetRole answered without the role's Arn and AssumeRolePolicyDocument");
  return { arn: role.Arn, trustDocument: role.AssumeRolePolicyDocument };
}
