import { findDocker } from "../docker/docker-cli.ts";
import { dockerLogin } from "../docker/docker-credentials.ts";
import { readImagePlatforms } from "../docker/image-platforms.ts";
import { UserError } from "../errors.ts";
import { actionInputs, type InputReader, withDefined } from "../github/inputs.ts";
import { requireOciProfile } from "../github/oci-profile.ts";
import { exportedTokenLogin } from "../github/ocir-login/token-login-env.ts";
import { checkRunLabel } from "../run-label.ts";
import type { FnDeployInputs, FnDeployTools } from "../steps/fn-deploy.ts";
import { dockerConfigDir } from "./ocir-login.ts";

/**
 * The fn-deploy inputs as one typed object. The OCI credentials are the profile fn-context wrote and
 * exported (OCI_CLI_CONFIG_FILE, OCI_CLI_PROFILE); fn-deploy takes no key material of its own.
 */
export function getInputs(
  read: InputReader = actionInputs,
  ociProfile = requireOciProfile(),
): FnDeployInputs {
  const inputs: FnDeployInputs = {
    application: read.required("application"),
    path: read.optional("path") ?? ".",
    wait: read.boolean("wait", true),
    ociProfile,
  };
  const memory = integerInput(read, "memory");
  const timeout = integerInput(read, "timeout");
  const optional = {
    compartmentOcid: read.optional("compartment-ocid"),
    function: read.optional("function"),
    image: read.optional("image"),
    registry: read.optional("registry"),
    repository: read.optional("repository"),
    tag: read.optional("tag"),
    shape: read.optional("shape"),
    memory,
    timeout,
    config: read.optional("config"),
    // An empty body is a valid invoke, but an empty input means "no invoke": use {} or any text.
    invoke: read.optional("invoke"),
    gitSha: process.env.GITHUB_SHA?.trim() || undefined,
    runLabel: checkRunLabel(read.optional("run-label")),
  };
  return withDefined(inputs, optional);
}

function integerInput(read: InputReader, name: string): number | undefined {
  const value = read.optional(name)?.trim();
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value)) {
    throw new UserError(`${name} must be a whole number; got ${JSON.stringify(value.slice(0, 40))}.`);
  }
  return Number(value);
}

/** Docker, and the registry token login an earlier ocir-login step exported (renewed around the push). */
export async function getTools(): Promise<FnDeployTools> {
  const tokenLogin = exportedTokenLogin(process.env);
  const configDir = dockerConfigDir();
  return {
    docker: await findDocker(process.env.PATH, process.env),
    ...(tokenLogin ? { registryLogin: { tokenLogin, dockerConfigDir: configDir } } : {}),
    imagePlatforms: (reference, options) =>
      readImagePlatforms(reference, {
        ...options,
        login: (host) => dockerLogin(configDir, host, process.env),
      }),
  };
}
