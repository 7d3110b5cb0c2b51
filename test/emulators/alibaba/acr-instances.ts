// What Function Compute checks about a container image's registry before it accepts the function:
// an image in a Container Registry Enterprise Edition instance needs customContainerConfig.acrInstanceId
// ("You must specify this parameter if you use an image of Container Registry Enterprise Edition",
// https://www.alibabacloud.com/help/en/functioncompute/fc/developer-reference/api-fc-2023-03-30-struct-customcontainerconfig),
// and the ID must be the instance that serves the image's host. Enterprise Edition hosts are
// `<instance name>-registry[-vpc].<region>.cr.aliyuncs.com` (CR RouteItem.InstanceDomain,
// https://www.alibabacloud.com/help/en/acr/developer-reference/api-cr-2018-12-01-struct-routeitem);
// Personal Edition hosts (`registry[-vpc].<region>.aliyuncs.com`) have no instance ID, so one sent for
// them is refused too. Refusals are 400 InvalidArgument naming acrInstanceId.
import { randomBytes } from "node:crypto";
import { acs } from "./errors.ts";

export interface AcrInstance {
  /** cri-…, what acrInstanceId must be. */
  id: string;
  /** The instance name: the first label of its registry hosts. */
  name: string;
  region: string;
}

const ENTERPRISE_HOST = /^([a-z0-9][a-z0-9-]*)-registry(?:-vpc)?\.([a-z0-9-]+)\.cr\.aliyuncs\.com$/;
const PERSONAL_HOST = /^registry(?:-vpc)?\.[a-z0-9-]+\.aliyuncs\.com$/;

export function newAcrInstance(name: string, region: string): AcrInstance {
  return { id: `cri-${randomBytes(10).toString("hex").slice(0, 16)}`, name, region };
}

/** Throws InvalidArgument when `acrInstanceId` does not fit the image's registry. */
export function checkAcrInstance(
  instances: ReadonlyMap<string, AcrInstance>,
  image: string,
  acrInstanceId: unknown,
): void {
  const host = image.split("/")[0] ?? "";
  if (acrInstanceId !== undefined && (typeof acrInstanceId !== "string" || acrInstanceId === ""))
    throw acs.invalidArgument("customContainerConfig.acrInstanceId must be a non-empty string");
  const enterprise = ENTERPRISE_HOST.exec(host);
  if (enterprise) {
    if (acrInstanceId === undefined)
      throw acs.invalidArgument(
        `customContainerConfig.acrInstanceId is required for image ${image} of Container Registry Enterprise Edition`,
      );
    const instance = instances.get(acrInstanceId as string);
    if (!instance || instance.name !== enterprise[1] || instance.region !== enterprise[2])
      throw acs.invalidArgument(
        `customContainerConfig.acrInstanceId ${String(acrInstanceId)} is not the Container Registry Enterprise Edition instance of ${host}`,
      );
    return;
  }
  if (acrInstanceId !== undefined && PERSONAL_HOST.test(host))
    throw acs.invalidArgument(
      `customContainerConfig.acrInstanceId ${String(acrInstanceId)} is set, but ${host} is Container Registry Personal Edition`,
    );
}
