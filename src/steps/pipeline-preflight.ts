import type { OciProfile } from "../oci/oci-clients.ts";
import type { EntraTokenInputs } from "./entra-token.ts";
import type { PreflightInputs } from "./preflight.ts";
import type { FnDeploySettings, GatewaySettings } from "./stage-settings.ts";

/** The stages of one pipeline run that preflight looks ahead at. */
export interface PipelineStages {
  fnDeploy?: FnDeploySettings;
  gateway?: GatewaySettings;
  entra?: EntraTokenInputs;
}

/**
 * What the pipeline's preflight stage checks: exactly what the stages that will run depend on. The
 * repository is the one fn-deploy's plan pushes to; the function is fn-deploy's application or, when
 * fn-deploy is skipped, the function-id the route calls; the token is the one entra-token would get.
 */
export function preflightForPipeline(
  stages: PipelineStages,
  context: { ociProfile: OciProfile | undefined; repository: string | undefined },
): PreflightInputs {
  const { fnDeploy, gateway, entra } = stages;
  const values: Record<string, unknown> = {
    ociProfile: context.ociProfile,
    compartmentOcid: fnDeploy?.compartmentOcid ?? gateway?.compartmentOcid,
    application: fnDeploy?.application,
    functionId: fnDeploy ? undefined : gateway?.functionId,
    repository: context.repository,
    gatewayOcid: gateway?.gatewayOcid,
    auth:
      gateway && (gateway.jwksUri !== undefined || gateway.entraTenantId !== undefined) ? gateway : undefined,
    entra,
  };
  // exactOptionalPropertyTypes: an absent check is an absent key, never `key: undefined`.
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as PreflightInputs;
}
