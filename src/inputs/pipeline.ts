import { UserError } from "../errors.ts";
import { booleanInput, optionalInput, renamedInputs } from "../github/inputs.ts";
import { exportedOciProfile } from "../github/oci-profile.ts";
import { withGithubRunLabel } from "../github/run-label.ts";
import { planDeploy } from "../oci/functions/deploy-plan.ts";
import { planGatewayDeploy } from "../oci/gateway/gateway-plan.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import type { StepContext } from "../step-context.ts";
import { checkEntraTokenInputs, type EntraTokenInputs, type EntraTokenResult } from "../steps/entra-token.ts";
import type { FnContextInputs } from "../steps/fn-context.ts";
import type { FnDeployInputs } from "../steps/fn-deploy.ts";
import type { GatewayDeployInputs, GatewayDeployResult } from "../steps/gateway-deploy.ts";
import type { OcirLoginInputs } from "../steps/ocir-login.ts";
import type { SmokeTestInputs } from "../steps/smoke-test.ts";
import { getInputs as entraTokenInputs } from "./entra-token.ts";
import { getInputs as fnContextInputs } from "./fn-context.ts";
import { getInputs as fnDeployInputs } from "./fn-deploy.ts";
import { getInputs as gatewayDeployInputs } from "./gateway-deploy.ts";
import { getInputs as ocirLoginInputs } from "./ocir-login.ts";
import { PIPELINE_RENAMES as RENAMES, STAGES, type Stage } from "./pipeline-stages.ts";
import { getInputs as smokeTestInputs } from "./smoke-test.ts";

/**
 * Every stage's inputs, read and checked before the first stage runs, each through its own action's
 * reader. Values one stage hands the next (the OCI profile, the image prefix, the function id, the URL
 * and the token) are filled in as the stages run; placeholders stand for them here.
 */
export interface PipelineInputs {
  /** Run the read-only preflight checks after fn-context, before any change (input `preflight`). */
  preflight: boolean;
  fnContext?: FnContextInputs;
  ocirLogin?: OcirLoginInputs;
  fnDeploy?: FnDeployInputs;
  gateway?: GatewayDeployInputs;
  entra?: EntraTokenInputs;
  smoke?: SmokeTestInputs;
}

/** Stands for the profile fn-context will write, when it runs in this pipeline. */
export const PENDING_PROFILE: OciProfile = { configFile: "(written by fn-context)", profile: "DEFAULT" };
const PENDING_URL = "https://pending.invalid/";
/** Stands for the JWKS gateway-deploy puts in the policy (entra-tenant-id names it without jwks-uri). */
export const PENDING_JWKS = "https://pending.invalid/keys";
/** Stand-ins for what ocir-login and fn-deploy produce, shaped like the real values so checks pass. */
export const PENDING_FUNCTION_ID = "ocid1.fnfunc.oc1..aaaaaaaapendingfunctionfromfndeploy";
const PENDING_IMAGE_PREFIX = "ocir.pending.invalid/namespace";

/**
 * Runs every stage's checks that need no call, so a bad input of a late stage (a gateway route, a
 * token scope) fails the step before the first stage has changed anything. Returns the OCIR repository
 * fn-deploy will push to, for preflight.
 */
export async function checkBeforeAnyStage(
  inputs: PipelineInputs,
  ctx: StepContext,
): Promise<{ repository: string | undefined }> {
  let repository: string | undefined;
  if (inputs.fnDeploy) {
    const registry = inputs.fnDeploy.registry ?? PENDING_IMAGE_PREFIX;
    const plan = await planDeploy(
      { ...inputs.fnDeploy, registry },
      {
        homeDir: ctx.homeDir,
        workspaceDir: ctx.workspaceDir,
        registerSecret: (value) => ctx.secrets.register(value),
        warn: () => {},
      },
    );
    repository = plan.build?.repository;
  }
  if (inputs.gateway) planGatewayDeploy(inputs.gateway);
  if (inputs.entra) checkEntraTokenInputs(inputs.entra);
  return { repository };
}

export function getPipelineInputs(): PipelineInputs {
  const skip = skippedStages(optionalInput("skip"));
  const runs = (stage: Stage) => !skip.has(stage);
  const profile = runs("fn-context") ? PENDING_PROFILE : exportedOciProfile();
  const needsProfile = (stage: Stage) => {
    if (profile) return profile;
    throw new UserError(
      `${stage} needs an OCI profile: do not skip fn-context, or run fn-context in an earlier step.`,
    );
  };
  const inputs: PipelineInputs = { preflight: booleanInput("preflight", true) };
  // The same input names as the single actions, except where two stages would read one name differently.
  if (runs("fn-context")) inputs.fnContext = fnContextInputs(renamedInputs(RENAMES["fn-context"]));
  if (runs("ocir-login")) inputs.ocirLogin = ocirLoginInputs(renamedInputs(RENAMES["ocir-login"]));
  if (runs("fn-deploy")) {
    inputs.fnDeploy = withGithubRunLabel(
      fnDeployInputs(renamedInputs(RENAMES["fn-deploy"]), needsProfile("fn-deploy")),
    );
  }
  if (runs("gateway-deploy")) {
    const values: Record<string, string> = runs("fn-deploy") ? { "function-id": PENDING_FUNCTION_ID } : {};
    inputs.gateway = withGithubRunLabel(
      gatewayDeployInputs(renamedInputs(RENAMES["gateway-deploy"], values), needsProfile("gateway-deploy")),
    );
  }
  if (runs("entra-token")) inputs.entra = entraTokenInputs(renamedInputs(RENAMES["entra-token"]));
  if (runs("smoke-test")) {
    const values: Record<string, string> = runs("gateway-deploy")
      ? { url: PENDING_URL, "jwks-uri": PENDING_JWKS }
      : {};
    inputs.smoke = smokeTestInputs(renamedInputs(RENAMES["smoke-test"], values));
  }
  return inputs;
}

/**
 * The smoke-test stage's inputs once the earlier stages ran: the gateway's URL and the JWKS its policy
 * trusts (for hs256-key-confusion), what the deployment serves and demands (to explain a failure),
 * and the Entra token.
 */
export function smokeStageInputs(
  smoke: SmokeTestInputs,
  gateway: GatewayDeployResult | undefined,
  token: EntraTokenResult | undefined,
  ociProfile: OciProfile | undefined,
): SmokeTestInputs {
  const { jwksUri: given, ...rest } = smoke;
  const jwksUri = gateway ? gateway.jwksUri || undefined : given;
  // What was deployed, so a failure can be explained against it (routes, policy, gateway → function).
  const deployed = gateway && {
    api: gateway.api,
    ...(ociProfile ? { gateway: { ociProfile, gatewayId: gateway.gatewayId } } : {}),
  };
  return {
    ...rest,
    ...(gateway ? { url: gateway.url } : {}),
    ...(deployed ? { deployed } : {}),
    ...(jwksUri ? { jwksUri } : {}),
    ...(token ? { token: token.accessToken } : {}),
  };
}

function skippedStages(text: string | undefined): Set<Stage> {
  const names = (text ?? "").split(/[\s,]+/).filter(Boolean);
  for (const name of names) {
    if (!(STAGES as readonly string[]).includes(name)) {
      throw new UserError(`skip: unknown stage ${JSON.stringify(name)}; stages are ${STAGES.join(", ")}.`);
    }
  }
  return new Set(names as Stage[]);
}
