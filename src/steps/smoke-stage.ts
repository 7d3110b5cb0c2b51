import type { OciProfile } from "../oci/oci-clients.ts";
import type { EntraTokenResult } from "./entra-token.ts";
import type { GatewayDeployResult } from "./gateway-deploy.ts";
import type { SmokeTestInputs } from "./smoke-test.ts";

/** What the user gives smoke-test besides the API's address, which the pipeline takes from gateway-deploy. */
export type SmokeTestSettings = Omit<SmokeTestInputs, "url" | "jwksUri" | "deployed">;

/** The API under test: its URL and the JWKS that signs its tokens (for hs256-key-confusion). */
export interface SmokeTarget {
  url: string;
  jwksUri?: string;
}

/** The smoke-test stage as given: a target only when gateway-deploy is not in the run. */
export interface SmokeStage {
  settings: SmokeTestSettings;
  target?: SmokeTarget;
}

/**
 * The smoke-test stage's inputs once the earlier stages ran: the gateway's URL and the JWKS its policy
 * trusts (for hs256-key-confusion), what the deployment serves and demands (to explain a failure),
 * and the Entra token.
 */
export function smokeStageInputs(
  smoke: SmokeStage,
  run: { gateway?: GatewayDeployResult; token?: EntraTokenResult },
  ociProfile: OciProfile | undefined,
): SmokeTestInputs {
  const { gateway, token } = run;
  const target: SmokeTarget | undefined = gateway
    ? { url: gateway.url, ...(gateway.jwksUri ? { jwksUri: gateway.jwksUri } : {}) }
    : smoke.target;
  if (!target) throw new Error("smoke-test has no URL: gateway-deploy did not run and no url was read");
  // What was deployed, so a failure can be explained against it (routes, policy, gateway → function).
  const deployed = gateway && {
    api: gateway.api,
    ...(ociProfile ? { gateway: { ociProfile, gatewayId: gateway.gatewayId } } : {}),
  };
  return {
    ...smoke.settings,
    ...target,
    ...(deployed ? { deployed } : {}),
    ...(token ? { token: token.accessToken } : {}),
  };
}
