import { checkRegion } from "../alibaba/endpoints.ts";
import { UserError } from "../errors.ts";
import { requireOcid } from "../oci/ocid.ts";
import { checkRunLabel, RUN_LABEL_KEY } from "../run-label.ts";
import { TEARDOWN_CLOUDS, type TeardownCloud, type TeardownInputs } from "../steps/teardown-types.ts";
import { readAccountId, readFcCredentials } from "./fc-deploy.ts";
import { readGcpCredentialInputs } from "./gcp-id-token.ts";
import { type InputHost, requireOciProfile } from "./input-host.ts";
import { type InputReader, nothingMoreToRead, withDefined } from "./reader.ts";

/**
 * The teardown inputs. Secrets are masked first; then the run label, which teardown never runs
 * without (there is no default: deleting is asked for by name), then the chosen cloud's inputs.
 */
export function readTeardownInputs(read: InputReader, host: InputHost): TeardownInputs {
  const accessKeySecret = read.optional("access-key-secret");
  const securityToken = read.optional("security-token");
  if (accessKeySecret) read.mask(accessKeySecret);
  if (securityToken) read.mask(securityToken);
  const gcp = readGcpCredentialInputs(read);

  const runLabel = read.field("run-label", () => {
    const label = checkRunLabel(read.optional("run-label"));
    if (label !== undefined) return label;
    throw new UserError(
      `run-label is required: teardown deletes only what carries ${RUN_LABEL_KEY}=<run-label>; give the run-label the deploy used (in GitHub Actions its default is <run_id>-<run_attempt> of that workflow run, such as 1234567890-1).`,
    );
  });
  const cloud = read.field("cloud", () => cloudOf(read.required("cloud")));
  // Which inputs apply depends on the cloud: with it refused, none is read (nor refused).
  if (cloud === undefined) return nothingMoreToRead();
  if (cloud === "oci") {
    const compartmentId = read.field("compartment-ocid", () => {
      const compartment = read.optional("compartment-ocid");
      if (compartment === undefined) {
        throw new UserError(
          "compartment-ocid is required with cloud: oci: the compartment whose functions and API deployments are searched for the run label.",
        );
      }
      return requireOcid(compartment, "compartment-ocid", ["compartment", "tenancy"]).value;
    });
    const gateway = read.optional("gateway-ocid");
    const application = read.optional("application");
    read.field("application", () => {
      if (application?.startsWith("ocid1.")) requireOcid(application, "application", ["fnapp"]);
    });
    const gatewayId = read.field("gateway-ocid", () =>
      gateway === undefined ? undefined : requireOcid(gateway, "gateway-ocid", ["apigateway"]).value,
    );
    // The environment last: every problem with the inputs is named before it.
    return withDefined(
      { cloud, runLabel, compartmentId, ociProfile: requireOciProfile(host) },
      { application, gatewayId },
    );
  }
  if (cloud === "cloud-run") {
    return {
      ...gcp,
      cloud,
      runLabel,
      project: requiredFor(read, "project", cloud),
      region: requiredFor(read, "region", cloud),
    };
  }
  const accountId = readAccountId(read);
  return withDefined(
    {
      cloud,
      runLabel,
      region: read.field("region", () => checkRegion(requiredFor(read, "region", cloud))),
      credentials: readFcCredentials(read, host, accessKeySecret, securityToken),
    },
    { accountId },
  );
}

function cloudOf(value: string): TeardownCloud {
  const cloud = value.trim().toLowerCase();
  if (!(TEARDOWN_CLOUDS as readonly string[]).includes(cloud)) {
    throw new UserError(
      `cloud must be one of ${TEARDOWN_CLOUDS.join(", ")} (where the run deployed); got ${JSON.stringify(value.slice(0, 40))}.`,
    );
  }
  return cloud as TeardownCloud;
}

function requiredFor(read: InputReader, name: string, cloud: TeardownCloud): string {
  return read.field(name, () => {
    const value = read.optional(name);
    if (value === undefined) throw new UserError(`${name} is required with cloud: ${cloud}.`);
    return value;
  });
}
