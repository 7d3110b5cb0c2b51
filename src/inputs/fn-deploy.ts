import { UserError } from "../errors.ts";
import { checkRunLabel } from "../run-label.ts";
import type { FnDeployInputs } from "../steps/fn-deploy.ts";
import type { FnDeploySettings } from "../steps/stage-settings.ts";
import { type InputHost, requireOciProfile, withDefaultRunLabel } from "./input-host.ts";
import { type InputReader, withDefined } from "./reader.ts";

/**
 * The fn-deploy inputs as one typed object. The OCI credentials are the profile fn-context wrote and
 * exported (OCI_CLI_CONFIG_FILE, OCI_CLI_PROFILE); fn-deploy takes no key material of its own.
 */
export function readFnDeployInputs(read: InputReader, host: InputHost): FnDeployInputs {
  // The inputs first: a user missing both hears about the inputs, then (once) about the profile.
  const settings = readFnDeploySettings(read, host);
  return { ...settings, ociProfile: requireOciProfile(host) };
}

export function readFnDeploySettings(read: InputReader, host: InputHost): FnDeploySettings {
  const inputs: FnDeploySettings = {
    application: read.required("application"),
    path: read.optional("path") ?? ".",
    wait: read.boolean("wait", true),
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
    gitSha: host.gitSha,
    runLabel: read.field("run-label", () => checkRunLabel(read.optional("run-label"))),
  };
  return withDefaultRunLabel(withDefined(inputs, optional), host);
}

function integerInput(read: InputReader, name: string): number | undefined {
  return read.field(name, () => {
    const value = read.optional(name)?.trim();
    if (value === undefined) return undefined;
    if (!/^[0-9]+$/.test(value)) {
      throw new UserError(`${name} must be a whole number; got ${JSON.stringify(value.slice(0, 40))}.`);
    }
    return Number(value);
  });
}
