import { UserError } from "../errors.ts";
import type { InputReader } from "../github/inputs.ts";
import { getInputs as entraTokenInputs } from "../inputs/entra-token.ts";
import { getInputs as fnContextInputs } from "../inputs/fn-context.ts";
import { getInputs as fnDeployInputs } from "../inputs/fn-deploy.ts";
import { getInputs as gatewayDeployInputs } from "../inputs/gateway-deploy.ts";
import { getInputs as ocirLoginInputs } from "../inputs/ocir-login.ts";
import {
  PENDING_FUNCTION_ID,
  PENDING_JWKS,
  PENDING_PROFILE,
  type PipelineInputs,
} from "../inputs/pipeline.ts";
import { PIPELINE_RENAMES as RENAMES, STAGES, type Stage } from "../inputs/pipeline-stages.ts";
import { renamedReader } from "../inputs/renamed-reader.ts";
import { getInputs as smokeTestInputs } from "../inputs/smoke-test.ts";
import type { OciProfile } from "../oci/oci-clients.ts";

const PENDING_URL = "https://pending.invalid/";

/**
 * Every stage's inputs read through its own action's parser, as the pipeline action does
 * (src/inputs/pipeline.ts), from the CLI's flags instead of the runner's INPUT_* variables.
 */
export function cliPipelineInputs(
  read: InputReader,
  existingProfile: OciProfile | undefined,
): PipelineInputs {
  const skip = skippedStages(read.optional("skip"));
  const runs = (stage: Stage) => !skip.has(stage);
  const profile = runs("fn-context") ? PENDING_PROFILE : existingProfile;
  const needsProfile = (stage: Stage) => {
    if (profile) return profile;
    throw new UserError(
      `${stage} needs an OCI profile: do not skip fn-context, or run \`fngate fn-context\` first.`,
    );
  };
  const stage = (name: Stage, values: Record<string, string> = {}) =>
    renamedReader(read, RENAMES[name], values);
  const inputs: PipelineInputs = { preflight: read.boolean("preflight", true) };
  if (runs("fn-context")) inputs.fnContext = fnContextInputs(stage("fn-context"));
  if (runs("ocir-login")) inputs.ocirLogin = ocirLoginInputs(stage("ocir-login"));
  if (runs("fn-deploy")) inputs.fnDeploy = fnDeployInputs(stage("fn-deploy"), needsProfile("fn-deploy"));
  if (runs("gateway-deploy")) {
    const values: Record<string, string> = runs("fn-deploy") ? { "function-id": PENDING_FUNCTION_ID } : {};
    inputs.gateway = gatewayDeployInputs(stage("gateway-deploy", values), needsProfile("gateway-deploy"));
  }
  if (runs("entra-token")) inputs.entra = entraTokenInputs(stage("entra-token"));
  if (runs("smoke-test")) {
    const values: Record<string, string> = runs("gateway-deploy")
      ? { url: PENDING_URL, "jwks-uri": PENDING_JWKS }
      : {};
    inputs.smoke = smokeTestInputs(stage("smoke-test", values));
  }
  return inputs;
}

function skippedStages(text: string | undefined): Set<Stage> {
  const names = (text ?? "").split(/[\s,]+/).filter(Boolean);
  for (const name of names) {
    if (!(STAGES as readonly string[]).includes(name)) {
      throw new UserError(`--skip: unknown stage ${JSON.stringify(name)}; stages are ${STAGES.join(", ")}.`);
    }
  }
  return new Set(names as Stage[]);
}
