import { UserError } from "../errors.ts";
import { actionInputs, type InputReader, withDefined } from "../github/inputs.ts";
import { exportedOciProfile } from "../github/oci-profile.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import type { PreflightInputs } from "../steps/preflight.ts";
import { getFcInputs } from "./preflight-fc.ts";
import { getGcpPreflightInputs } from "./preflight-gcp.ts";

const CLOUDS = ["oci", "cloud-run", "fc"];

/**
 * The preflight inputs as one typed object. The OCI checks sign with the profile fn-context exported;
 * without one only the token checks (JWKS, issuers, Entra version) can run, so asking for OCI checks
 * then is an error naming the fix.
 */
export function getInputs(
  read: InputReader = actionInputs,
  ociProfile: OciProfile | undefined = exportedOciProfile(),
): PreflightInputs {
  const cloud = (read.optional("cloud") ?? "oci").trim();
  if (!CLOUDS.includes(cloud)) {
    throw new UserError(
      `cloud must be one of ${CLOUDS.join(", ")} (the cloud whose deploy is checked); got ${JSON.stringify(cloud.slice(0, 40))}.`,
    );
  }
  if (cloud === "cloud-run") return { gcp: getGcpPreflightInputs(read) };
  // fc reads fc-deploy's inputs under their own names (fc-inputs.ts).
  if (cloud === "fc") return { fc: getFcInputs(read) };
  const token = read.optional("token");
  if (token) read.mask(token);
  const inputs = withDefined<PreflightInputs>(
    {},
    {
      compartmentOcid: read.optional("compartment-ocid"),
      application: read.optional("application"),
      functionId: read.optional("function-id"),
      repository: read.optional("repository"),
      gatewayOcid: read.optional("gateway-ocid"),
      token,
    },
  );
  const ociAsked = ["compartmentOcid", "application", "functionId", "repository", "gatewayOcid"].some(
    (key) => key in inputs,
  );
  if (ociAsked && !ociProfile) {
    throw new UserError(
      "the OCI checks need an OCI profile: run fn-context first in this job (it exports OCI_CLI_CONFIG_FILE and OCI_CLI_PROFILE).",
    );
  }
  if (ociProfile) inputs.ociProfile = ociProfile;
  const jwksUri = read.optional("jwks-uri");
  const entraTenantId = read.optional("entra-tenant-id");
  if (jwksUri !== undefined || entraTenantId !== undefined) {
    inputs.auth = withDefined(
      { allowAnonymous: read.boolean("allow-anonymous", false) },
      {
        jwksUri,
        entraTenantId,
        authorityHost: read.optional("authority-host"),
        issuers: read.optional("issuers"),
        audiences: read.optional("audiences"),
      },
    );
  }
  if (Object.keys(inputs).length === 0) {
    throw new UserError(
      "nothing to check: give at least one of compartment-ocid, application, function-id, repository, gateway-ocid, jwks-uri or entra-tenant-id.",
    );
  }
  return inputs;
}
