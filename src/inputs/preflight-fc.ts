import { checkRegion } from "../alibaba/endpoints.ts";
import { parseRoleArn } from "../alibaba/role-arn.ts";
import { UserError } from "../errors.ts";
import type { FcPreflightInputs } from "../preflight/fc/fc-preflight-inputs.ts";
import { readAccountId, readFcCredentials } from "./fc-deploy.ts";
import type { InputHost } from "./input-host.ts";
import { type InputReader, withDefined } from "./reader.ts";

/** Inputs of the OCI and token checks, which `cloud: fc` does not run. */
const OCI_ONLY = [
  "compartment-ocid",
  "application",
  "function-id",
  "repository",
  "gateway-ocid",
  "jwks-uri",
  "entra-tenant-id",
  "token",
];

/**
 * `cloud: fc`: fc-deploy's region, role, image, acr-instance-id, account-id and credential inputs, read
 * and checked as fc-deploy reads them (secrets masked first). The acr-instance-id rule is left to its
 * check row, so a miss shows with its fix instead of stopping before the other checks.
 */
export function readFcPreflightInputs(read: InputReader, host: InputHost): FcPreflightInputs {
  const accessKeySecret = read.optional("access-key-secret");
  const securityToken = read.optional("security-token");
  if (accessKeySecret) read.mask(accessKeySecret);
  if (securityToken) read.mask(securityToken);
  const ociOnly = OCI_ONLY.filter((name) => read.optional(name) !== undefined);
  read.field(ociOnly, () => {
    if (ociOnly.length > 0)
      throw new UserError(
        `${ociOnly.join(", ")} ${ociOnly.length === 1 ? "is an OCI check" : "are OCI checks"}: remove ${ociOnly.length === 1 ? "it" : "them"} for cloud fc, or set cloud to oci.`,
      );
  });
  const role = read.optional("role");
  const accountId = readAccountId(read);
  const image = read.optional("image");
  const acrInstanceId = read.optional("acr-instance-id");
  read.field("acr-instance-id", () => {
    if (acrInstanceId !== undefined && image === undefined)
      throw new UserError("acr-instance-id applies to image only: set image, or remove acr-instance-id.");
  });
  return withDefined<FcPreflightInputs>(
    {
      region: read.field("region", () => checkRegion(read.required("region"))),
      credentials: readFcCredentials(read, host, accessKeySecret, securityToken),
    },
    {
      role: read.field("role", () => (role === undefined ? undefined : parseRoleArn("role", role))),
      image,
      acrInstanceId,
      accountId,
    },
  );
}
