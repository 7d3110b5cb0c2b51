import { UserError } from "../errors.ts";

// Container Registry hosts, by edition. Enterprise Edition instances serve
// `<instance name>-registry[-vpc].<region>.cr.aliyuncs.com` (the instance domain of CR's RouteItem,
// e.g. test-instance-registry-vpc.cn-hangzhou.cr.aliyuncs.com,
// https://www.alibabacloud.com/help/en/acr/developer-reference/api-cr-2018-12-01-struct-routeitem);
// Personal Edition serves `registry[-vpc].<region>.aliyuncs.com`. An instance can also have a custom
// domain, which says nothing about the edition.
const ENTERPRISE_HOST = /^([a-z0-9][a-z0-9-]*)-registry(-vpc)?\.([a-z0-9-]+)\.cr\.aliyuncs\.com$/;
const PERSONAL_HOST = /^registry(-vpc)?\.([a-z0-9-]+)\.aliyuncs\.com$/;

// Instance IDs as CR and FC show them (cri-xxxxxxxxxx): "cri-" and lower-case letters and digits.
const INSTANCE_ID = /^cri-[a-z0-9]{8,32}$/;

export type AcrRegistry =
  | { edition: "enterprise"; instanceName: string; region: string }
  | { edition: "personal"; region: string }
  | { edition: "unknown" };

export function acrRegistryOf(image: string): AcrRegistry {
  const host = image.split("/")[0] ?? "";
  const enterprise = ENTERPRISE_HOST.exec(host);
  if (enterprise)
    return { edition: "enterprise", instanceName: enterprise[1] ?? "", region: enterprise[3] ?? "" };
  const personal = PERSONAL_HOST.exec(host);
  if (personal) return { edition: "personal", region: personal[2] ?? "" };
  return { edition: "unknown" };
}

/**
 * The `acrInstanceId` FC 3.0 needs for an image in an Enterprise Edition instance ("You must specify
 * this parameter if you use an image of Container Registry Enterprise Edition", CustomContainerConfig,
 * https://www.alibabacloud.com/help/en/functioncompute/fc/developer-reference/api-fc-2023-03-30-struct-customcontainerconfig),
 * checked against the image's registry host where the host tells the edition.
 */
export function checkAcrInstanceId(image: string, value: string | undefined): string | undefined {
  const registry = acrRegistryOf(image);
  if (value === undefined) {
    if (registry.edition === "enterprise") {
      throw new UserError(
        `acr-instance-id is required: image ${image} is in the ACR Enterprise Edition instance ${registry.instanceName} (${registry.region}), and Function Compute pulls such images only with the instance's ID; set acr-instance-id to it (cri-…, Container Registry console > Instances > ${registry.instanceName}).`,
      );
    }
    return undefined;
  }
  const id = value.trim();
  if (!INSTANCE_ID.test(id)) {
    throw new UserError(
      `acr-instance-id must be an ACR Enterprise Edition instance ID such as cri-0abc1def2ghi3jkl (cri- and lower-case letters and digits); got ${JSON.stringify(id.slice(0, 40))}.`,
    );
  }
  if (registry.edition === "personal") {
    throw new UserError(
      `acr-instance-id applies to ACR Enterprise Edition images only, and image ${image} is in ACR Personal Edition (registry.${registry.region}.aliyuncs.com): remove acr-instance-id, or use the image's Enterprise Edition address (<instance>-registry.<region>.cr.aliyuncs.com).`,
    );
  }
  return id;
}
