import { UserError } from "../errors.ts";
import type { PreflightInputs } from "../steps/preflight.ts";
import type { InputHost } from "./input-host.ts";
import { readFcPreflightInputs } from "./preflight-fc.ts";
import { readGcpPreflightInputs } from "./preflight-gcp.ts";
import { type InputReader, nothingMoreToRead, withDefined } from "./reader.ts";

const CLOUDS = ["oci", "cloud-run", "fc"];

/**
 * The preflight inputs as one typed object. The OCI checks sign with the profile fn-context exported;
 * without one only the token checks (JWKS, issuers, Entra version) can run, so asking for OCI checks
 * then is an error naming the fix.
 */
export function readPreflightInputs(read: InputReader, host: InputHost): PreflightInputs {
  const { ociProfile } = host;
  const cloud = read.field("cloud", () => {
    const value = (read.optional("cloud") ?? "oci").trim();
    if (CLOUDS.includes(value)) return value;
    throw new UserError(
      `cloud must be one of ${CLOUDS.join(", ")} (the cloud whose deploy is checked); got ${JSON.stringify(value.slice(0, 40))}.`,
    );
  });
  // Which inputs apply depends on the cloud: with it refused, none is read (nor refused).
  if (cloud === undefined) return nothingMoreToRead();
  if (cloud === "cloud-run") return { gcp: readGcpPreflightInputs(read) };
  // fc reads fc-deploy's inputs under their own names (fc-inputs.ts).
  if (cloud === "fc") return { fc: readFcPreflightInputs(read, host) };
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
  // The environment last: every problem with the inputs is named before it.
  if (ociAsked && !ociProfile) {
    throw new UserError(`the OCI checks need an OCI profile: ${host.noProfileAdvice}`);
  }
  if (ociProfile) inputs.ociProfile = ociProfile;
  return inputs;
}
