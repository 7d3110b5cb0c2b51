import { checkRegion } from "../alibaba/endpoints.ts";
import { UserError } from "../errors.ts";
import { requireOcid } from "../oci/ocid.ts";
import { checkRunLabel, RUN_LABEL_KEY } from "../run-label.ts";
import { TEARDOWN_CLOUDS, type TeardownCloud, type TeardownInputs } from "../steps/teardown-types.ts";
import { readFcCredentials } from "./fc-deploy.ts";
import { readGcpCredentialInputs } from "./gcp-id-token.ts";
import { type InputHost, requireOciProfile } from "./input-host.ts";
import { type InputReader, withDefined } from "./reader.ts";

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

  const runLabel = checkRunLabel(read.optional("run-label"));
  if (runLabel === undefined) {
    throw new UserError(
      `run-label is required: teardown deletes only what carries ${RUN_LABEL_KEY}=<run-label>; give the run-label the deploy used (in GitHub Actions its default is <run_id>-<run_attempt> of that workflow run, such as 1234567890-1).`,
    );
  }
  const cloud = cloudOf(read.required("cloud"));
  if (cloud === "oci") {
    const compartment = read.optional("compartment-ocid");
    if (compartment === undefined) {
      throw new UserError(
        "compartment-ocid is required with cloud: oci: the compartment whose functions and API deployments are searched for the run label.",
      );
    }
    const gateway = read.optional("gateway-ocid");
    const application = read.optional("application");
    if (application?.startsWith("ocid1.")) requireOcid(application, "application", ["fnapp"]);
    return withDefined(
      {
        cloud,
        runLabel,
        compartmentId: requireOcid(compartment, "compartment-ocid", ["compartment", "tenancy"]).value,
        ociProfile: requireOciProfile(host),
      },
      {
        application,
        gatewayId:
          gateway === undefined ? undefined : requireOcid(gateway, "gateway-ocid", ["apigateway"]).value,
      },
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
  const accountId = read.optional("account-id");
  if (accountId !== undefined && !/^\d{6,20}$/.test(accountId)) {
    throw new UserError(
      `account-id must be the Alibaba Cloud account UID (digits only); got ${JSON.stringify(accountId.slice(0, 40))}.`,
    );
  }
  return withDefined(
    {
      cloud,
      runLabel,
      region: checkRegion(requiredFor(read, "region", cloud)),
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
  const value = read.optional(name);
  if (value === undefined) throw new UserError(`${name} is required with cloud: ${cloud}.`);
  return value;
}
