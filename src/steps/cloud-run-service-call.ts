import type { ServicesClient } from "@google-cloud/run";
import { chooseGcpCredential } from "../gcp/credential-choice.ts";
import { accessTokenClient, principalOf } from "../gcp/credentials.ts";
import { checkProject, checkRegion, checkServiceName } from "../gcp/deploy-checks.ts";
import { googleEndpoints } from "../gcp/google-endpoints.ts";
import type { RunCallContext } from "../gcp/run-api-failure.ts";
import { runServicesClient } from "../gcp/run-client.ts";
import type { StepContext } from "../step-context.ts";
import type { CloudRunDeployInputs, CloudRunDeployTools } from "./cloud-run-deploy.ts";

/** One deployed service, as a step after the deploy (promote, discard, delete) calls it. */
export interface ServiceCall {
  serviceId: string;
  /** projects/P/locations/R/services/S */
  name: string;
  client: ServicesClient;
  /** Words for a failure of the call (explainRunFailure); `action` is filled in per call. */
  call: Omit<RunCallContext, "action">;
}

/** The Cloud Run client for the deploy's service, signed in as the deploy was; close it when done. */
export function serviceCall(
  inputs: CloudRunDeployInputs,
  ctx: StepContext,
  tools: CloudRunDeployTools,
): ServiceCall {
  const serviceId = checkServiceName(inputs.service.trim());
  const project = checkProject(inputs.project.trim());
  const region = checkRegion(inputs.region.trim());
  const credential = chooseGcpCredential(inputs, ctx, tools);
  const endpoints = googleEndpoints(ctx.endpoints.gcp);
  const auth = accessTokenClient(credential, endpoints, (token) => ctx.secrets.register(token));
  return {
    serviceId,
    name: `projects/${project}/locations/${region}/services/${serviceId}`,
    client: runServicesClient(auth, endpoints),
    call: { project, region, image: inputs.image, principal: principalOf(credential) },
  };
}
