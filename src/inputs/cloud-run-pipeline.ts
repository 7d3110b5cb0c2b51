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
  const deploy = readCloudRunDeployInputs(renamedReader(read, { wait: null }), host, { pipeline: true });
  const jwksUri = read.optional("jwks-uri");
  const smoke = readSmokeTestSettings(renamedReader(read, { token: null }), {
    jwksGiven: jwksUri !== undefined,
  });
  return withDefined<CloudRunPipelineInputs>(
    { deploy, smoke },
    {
      invoker: invoker && keylessVia(invoker, deploy.workloadIdentityProvider),
      jwksUri: jwksUri && httpsJwksUri(jwksUri.trim()),
    },
  );
}

/** The JWKS for hs256-key-confusion: fetched by the smoke test, so refused now rather than after the deploy. */
function httpsJwksUri(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "https:") {
    throw new UserError(
      "jwks-uri must be the https:// URL of the JWKS that signs the service's tokens: Google's is https://www.googleapis.com/oauth2/v3/certs.",
    );
  }
  return value;
}

interface InvokerInputs {
  credentialsJson?: string;
  serviceAccount?: string;
  provider?: string;
}

/** Who the smoke test calls as: a key of its own, or a service account it reaches keylessly. */
function readInvoker(read: InputReader): InvokerInputs | undefined {
  const credentialsJson = read.optional("invoker-credentials-json");
  if (credentialsJson) read.mask(credentialsJson);
  const serviceAccount = read.optional("invoker-service-account");
  const provider = read.optional("invoker-workload-identity-provider");
  if (credentialsJson !== undefined && serviceAccount !== undefined) {
    throw new UserError(
      "invoker-credentials-json and invoker-service-account are both set: keep exactly one way for the smoke test to sign in.",
    );
  }
  if (provider !== undefined && serviceAccount === undefined) {
    throw new UserError(
      "invoker-workload-identity-provider is set without invoker-service-account: set the service account the smoke test calls as, or remove the provider.",
    );
  }
  if (credentialsJson !== undefined) return { credentialsJson };
  return withDefined<InvokerInputs>({}, { serviceAccount, provider });
}

/** The invoker's credential: keyless through its own provider, else the deploy's workload-identity-provider. */
function keylessVia(
  invoker: InvokerInputs,
  deployProvider: string | undefined,
): GcpCredentialInputs | undefined {
  const { credentialsJson, serviceAccount } = invoker;
  if (credentialsJson !== undefined) return { credentialsJson };
  if (serviceAccount === undefined) return undefined;
  const workloadIdentityProvider = invoker.provider ?? deployProvider;
  if (workloadIdentityProvider === undefined) {
    throw new UserError(
      "invoker-service-account is set but no workload identity provider is: the smoke test signs in as it keylessly; set invoker-workload-identity-provider (or workload-identity-provider, which it defaults to), or give invoker-credentials-json instead.",
    );
  }
  return { serviceAccount, workloadIdentityProvider };
}
