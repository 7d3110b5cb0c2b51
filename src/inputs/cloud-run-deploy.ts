import { checkRunLabel } from "../run-label.ts";
import type { CloudRunDeployInputs } from "../steps/cloud-run-deploy.ts";
import { readCloudRunRollout } from "./cloud-run-rollout.ts";
import { readCloudRunSettings } from "./cloud-run-settings.ts";
import { readGcpCredentialInputs } from "./gcp-id-token.ts";
import { type InputHost, withDefaultRunLabel } from "./input-host.ts";
import { type InputReader, withDefined } from "./reader.ts";

export function readCloudRunDeployInputs(
  read: InputReader,
  host: InputHost,
  options: { pipeline: boolean } = { pipeline: false },
): CloudRunDeployInputs {
  const credentials = readGcpCredentialInputs(read);
  const inputs: CloudRunDeployInputs = {
    ...credentials,
    project: read.required("project"),
    region: read.required("region"),
    service: read.required("service"),
    image: read.required("image"),
    ingress: read.optional("ingress") ?? "all",
    allowUnauthenticated: read.boolean("allow-unauthenticated", false),
    wait: read.boolean("wait", true),
    rollout: readCloudRunRollout(read, host, { ...options, service: read.optional("service") ?? "" }),
  };
  const settings = withDefined(inputs, {
    path: read.optional("path"),
    dockerfile: read.optional("dockerfile"),
    function: read.optional("function"),
    baseImage: read.optional("base-image"),
    registryLogin: read.optional("registry-login"),
    env: read.optional("env"),
    invokers: read.optional("invokers"),
    runLabel: read.field("run-label", () => checkRunLabel(read.optional("run-label"))),
    ...readCloudRunSettings(read, inputs),
  });
  return withDefaultRunLabel(settings, host);
}
