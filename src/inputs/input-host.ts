import { UserError } from "../errors.ts";
import type { OciProfile } from "../oci/oci-clients.ts";

/**
 * What a parser needs besides the inputs themselves, supplied by the adapter that runs it (GitHub
 * Actions or the CLI), so no parser reads the environment and both adapters share every parser.
 */
export interface InputHost {
  /** The OCI profile an earlier step left (fn-context's exported profile, or the CLI's ~/.oci/config). */
  ociProfile: OciProfile | undefined;
  /** How to get an OCI profile here, completing "no OCI profile: …". */
  noProfileAdvice: string;
  /** The commit being deployed (GITHUB_SHA, CI_COMMIT_SHA…), for fn-deploy's default tag. */
  gitSha?: string;
  /** What labels a deploy when run-label is not set (GitHub: the run id and attempt; the CLI: nothing). */
  defaultRunLabel?: string;
  /**
   * The CI system's OIDC token for a federated credential. `asker` is the input setting that needs it
   * ("auth: oidc", "role-to-assume"), so a failure names what the user set; `why` may say what for.
   */
  idToken(audience: string, asker: string, why?: string): Promise<string>;
}

/** The start of the advice when OCI_CLI_CONFIG_FILE names a file that does not exist ("" otherwise). */
export function missingConfigFile(configFile: string | undefined): string {
  return configFile ? `OCI_CLI_CONFIG_FILE names ${configFile}, which does not exist; ` : "";
}

export function requireOciProfile(host: InputHost): OciProfile {
  if (!host.ociProfile) throw new UserError(`no OCI profile: ${host.noProfileAdvice}`);
  return host.ociProfile;
}

/** `inputs` with the adapter's default run label when run-label was not given. */
export function withDefaultRunLabel<T extends { runLabel?: string | undefined }>(
  inputs: T,
  host: InputHost,
): T {
  if (inputs.runLabel !== undefined || host.defaultRunLabel === undefined) return inputs;
  return Object.assign({}, inputs, { runLabel: host.defaultRunLabel });
}
