import { UserError } from "../errors.ts";
import type { GcpCredentialInputs } from "../gcp/credential-choice.ts";
import type { CloudRunPipelineInputs } from "../steps/cloud-run-pipeline.ts";
import { readCloudRunDeployInputs } from "./cloud-run-deploy.ts";
import type { InputHost } from "./input-host.ts";
import { type InputReader, withDefined } from "./reader.ts";
import { renamedReader } from "./renamed-reader.ts";
import { readSmokeTestSettings } from "./smoke-test.ts";

/**
 * The Cloud Run pipeline's inputs: cloud-run-deploy's by their own names (its wait is not offered: the
 * smoke test needs the rollout done, so wait is smoke-test's), the smoke caller's credential as
 * invoker-*, and smoke-test's settings (the URL and the token come from the other stages).
 */
export function readCloudRunPipelineInputs(read: InputReader, host: InputHost): CloudRunPipelineInputs {
  const invoker = readInvoker(read);
  const deploy = readCloudRunDeployInputs(renamedReader(read, { wait: null }), host);
  const smoke = readSmokeTestSettings(renamedReader(read, { token: null }), {
    jwksGiven: false,
  });
  return withDefined<CloudRunPipelineInputs>(
    { deploy, smoke },
    { invoker: invoker && { ...invoker, ...federationOf(invoker, deploy.workloadIdentityProvider) } },
  );
}

/** Who the smoke test calls as: a key of its own, or a service account reached through the deploy's provider. */
function readInvoker(read: InputReader): GcpCredentialInputs | undefined {
  const credentialsJson = read.optional("invoker-credentials-json");
  if (credentialsJson) read.mask(credentialsJson);
  const serviceAccount = read.optional("invoker-service-account");
  if (credentialsJson !== undefined && serviceAccount !== undefined) {
    throw new UserError(
      "invoker-credentials-json and invoker-service-account are both set: keep exactly one way for the smoke test to sign in.",
    );
  }
  if (credentialsJson !== undefined) return { credentialsJson };
  return serviceAccount === undefined ? undefined : { serviceAccount };
}

function federationOf(
  invoker: GcpCredentialInputs,
  provider: string | undefined,
): Pick<GcpCredentialInputs, "workloadIdentityProvider"> {
  if (invoker.serviceAccount === undefined) return {};
  if (provider === undefined) {
    throw new UserError(
      "invoker-service-account is set but workload-identity-provider is not: the smoke test signs in as it keylessly through that provider; set workload-identity-provider, or give invoker-credentials-json instead.",
    );
  }
  return { workloadIdentityProvider: provider };
}
