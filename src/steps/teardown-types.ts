import type { CredentialInputs } from "../alibaba/credentials.ts";
import type { GcpCredentialInputs } from "../gcp/credential-choice.ts";
import type { OciProfile } from "../oci/oci-clients.ts";

// What teardown takes and gives, apart from the step itself so the per-cloud steps can share it.

/** Where a teardown looks: one cloud per run, as each live workflow deploys to one. */
export type TeardownCloud = "oci" | "cloud-run" | "fc";
export const TEARDOWN_CLOUDS: readonly TeardownCloud[] = ["oci", "cloud-run", "fc"];

export interface OciTeardownInputs {
  cloud: "oci";
  runLabel: string;
  compartmentId: string;
  /** Only this application's functions (name or OCID); every application of the compartment otherwise. */
  application?: string;
  /** Only this gateway's deployments; every gateway's in the compartment otherwise. */
  gatewayId?: string;
  ociProfile: OciProfile;
}

export interface CloudRunTeardownInputs extends GcpCredentialInputs {
  cloud: "cloud-run";
  runLabel: string;
  project: string;
  region: string;
}

export interface FcTeardownInputs {
  cloud: "fc";
  runLabel: string;
  region: string;
  accountId?: string;
  credentials: CredentialInputs;
}

export type TeardownInputs = OciTeardownInputs | CloudRunTeardownInputs | FcTeardownInputs;

export interface DeletedResource {
  kind: "function" | "deployment" | "route" | "service" | "trigger" | "alias" | "version";
  name: string;
  /** OCID, resource name or ARN; for a route, the deployment it was removed from. */
  id: string;
}

export interface TeardownResult {
  cloud: TeardownCloud;
  runLabel: string;
  deleted: DeletedResource[];
  /** Things seen but left as they are, and why (each also logged as a warning). */
  leftAlone: string[];
}

/** How long one deletion may take before teardown says so; the step's deadline bounds it too. */
export const DELETION_WAIT_MS = 20 * 60_000;
