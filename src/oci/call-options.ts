import type { ProxyRefusal, StepContext } from "../step-context.ts";

// No SDK import here: steps import this statically, and their bundles load the OCI SDK only on use.

/** The OCI profile fn-context wrote (OCI_CLI_CONFIG_FILE and OCI_CLI_PROFILE). */
export interface OciProfile {
  configFile: string;
  profile: string;
}

export interface OciClientOptions extends OciProfile {
  /** Base URL serving every OCI API (FNGATE_OCI_ENDPOINT); the profile's region otherwise. */
  endpoint?: string;
  /** How long the SDK may keep retrying one call (429, 5xx, 409 IncorrectState). */
  retrySeconds?: number;
  /** The step's deadline: once it fired, no call is retried. */
  signal?: AbortSignal;
  /** A proxy's refusal for good ends the retries (see StepContext.proxyRefusal). */
  proxyRefusal?: () => ProxyRefusal | undefined;
}

/** The client options every step takes from its context: the endpoint override, deadline and proxy. */
export function ociCallOptions(
  ctx: Pick<StepContext, "endpoints" | "signal" | "proxyRefusal">,
): Pick<OciClientOptions, "endpoint" | "signal" | "proxyRefusal"> {
  return {
    ...(ctx.endpoints.oci ? { endpoint: ctx.endpoints.oci } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.proxyRefusal ? { proxyRefusal: ctx.proxyRefusal } : {}),
  };
}
