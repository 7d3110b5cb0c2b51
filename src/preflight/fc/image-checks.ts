import { acrRegistryOf, checkAcrInstanceId } from "../../alibaba/acr-image.ts";
import { describeError, isUserError } from "../../errors.ts";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";

export const IMAGE_REGION = "image registry region";
export const ACR_INSTANCE = "ACR instance of the image";

/**
 * Function Compute pulls only "an image from an Alibaba Cloud Container Registry repository that is in
 * the same region and under the same account"
 * (https://www.alibabacloud.com/help/en/functioncompute/fc-2-0/user-guide/create-a-custom-container-function);
 * the registry host names its region. A custom domain does not, so that cannot be told.
 */
export function checkImageRegion(image: string, region: string): CheckRow {
  const registry = acrRegistryOf(image);
  const host = image.split("/")[0] ?? "";
  if (registry.edition === "unknown")
    return cannotTell(
      IMAGE_REGION,
      `${host} is not an ACR host (registry.<region>.aliyuncs.com or <instance>-registry.<region>.cr.aliyuncs.com), so its region cannot be told`,
      `use an ACR repository in ${region} of this account`,
    );
  if (registry.region === region) return ok(IMAGE_REGION, `${host} is in ${region}, the function's region`);
  const sameRegionHost =
    registry.edition === "personal"
      ? `registry.${region}.aliyuncs.com`
      : `an Enterprise Edition instance in ${region} (<instance>-registry.${region}.cr.aliyuncs.com)`;
  return missing(
    IMAGE_REGION,
    `${host} is in ${registry.region}, but the function is in ${region}: Function Compute pulls images of its own region only`,
    `push the image to ${sameRegionHost} and set image to it, or deploy the function in ${registry.region}`,
    true,
  );
}

/** fc-deploy's own acr-instance-id rule, as a row: an Enterprise Edition host needs the instance ID. */
export function checkAcrInstance(image: string, acrInstanceId: string | undefined): CheckRow {
  const registry = acrRegistryOf(image);
  try {
    const id = checkAcrInstanceId(image, acrInstanceId);
    if (registry.edition === "enterprise")
      return ok(ACR_INSTANCE, `Enterprise Edition instance ${registry.instanceName}, acr-instance-id ${id}`);
    if (registry.edition === "personal")
      return ok(ACR_INSTANCE, "Personal Edition: no acr-instance-id needed");
    return cannotTell(
      ACR_INSTANCE,
      `${image.split("/")[0]} is a custom domain: whether it is an Enterprise Edition instance cannot be told from it`,
      "if the image is in an Enterprise Edition instance, set acr-instance-id to the instance's ID (cri-…, Container Registry console > Instances)",
    );
  } catch (error) {
    if (!isUserError(error)) throw error;
    const message = describeError(error);
    const fix =
      registry.edition === "enterprise" && acrInstanceId === undefined
        ? `set acr-instance-id to the ID of instance ${registry.instanceName} (cri-…, Container Registry console > Instances > ${registry.instanceName})`
        : registry.edition === "personal"
          ? "remove acr-instance-id"
          : "set acr-instance-id to the instance's ID as the Container Registry console shows it (cri-…)";
    return missing(ACR_INSTANCE, message, fix, true);
  }
}
