import { UserError } from "../errors.ts";
import type { PipelineInputs } from "../steps/pipeline.ts";
import { readEntraTokenInputs } from "./entra-token.ts";
import { readFnContextInputs } from "./fn-context.ts";
import { readFnDeploySettings } from "./fn-deploy.ts";
import { readGatewaySettings } from "./gateway-settings.ts";
import type { InputHost } from "./input-host.ts";
import { readOcirLoginInputs } from "./ocir-login.ts";
import { readRollout } from "./pipeline-rollout.ts";
import { PIPELINE_RENAMES as RENAMES, STAGES, type Stage } from "./pipeline-stages.ts";
import { type InputReader, nothingMoreToRead } from "./reader.ts";
import { renamedReader } from "./renamed-reader.ts";
import { readSmokeTarget, readSmokeTestSettings } from "./smoke-test.ts";

/**
 * Every stage's inputs, read and checked before the first stage runs, each through its own action's
 * parser under the pipeline's names. What a stage gets from an earlier one (the OCI profile, the image
 * prefix, the function OCID, the API's URL and JWKS, the token) is not read here: the stage that makes
 * it hands it over when the pipeline runs (src/steps/pipeline.ts).
 */
export function readPipelineInputs(read: InputReader, host: InputHost): PipelineInputs {
  const inputs: PipelineInputs = { preflight: read.boolean("preflight", true), rollout: readRollout(read) };
  const skip = read.field("skip", () => skippedStages(read.optional("skip")));
  // Which stages' inputs apply depends on skip: with it refused, none is read (nor refused).
  if (skip === undefined) return nothingMoreToRead();
  const runs = (stage: Stage) => !skip.has(stage);
  const stage = (name: Stage) => renamedReader(read, RENAMES[name]);
  if (host.ociProfile) inputs.existingProfile = host.ociProfile;
  if (runs("fn-context")) inputs.fnContext = readFnContextInputs(stage("fn-context"), host);
  if (runs("ocir-login")) {
    // The profile is fn-context's (handed over by the pipeline) or the one an earlier step left.
    const { ociProfile: _fromEarlierStep, ...login } = readOcirLoginInputs(stage("ocir-login"), host);
    inputs.ocirLogin = login;
  }
  if (runs("fn-deploy")) {
    inputs.fnDeploy = readFnDeploySettings(stage("fn-deploy"), host);
  }
  if (runs("gateway-deploy")) {
    const functionIdGiven = !runs("fn-deploy");
    inputs.gateway = readGatewaySettings(stage("gateway-deploy"), host, { functionIdGiven });
  }
  if (runs("entra-token")) inputs.entra = readEntraTokenInputs(stage("entra-token"));
  if (runs("smoke-test")) {
    const reader = stage("smoke-test");
    // With gateway-deploy in the run, the API's URL and JWKS are what it deployed.
    const fromGateway = runs("gateway-deploy");
    const jwksGiven = fromGateway || reader.optional("jwks-uri") !== undefined;
    const settings = readSmokeTestSettings(reader, { jwksGiven });
    inputs.smoke = fromGateway ? { settings } : { settings, target: readSmokeTarget(reader) };
  }
  // The environment last: every problem with the inputs is named before it.
  const needsProfile = (["fn-deploy", "gateway-deploy"] as const).find(runs);
  if (needsProfile && !runs("fn-context") && !host.ociProfile) {
    throw new UserError(
      `${needsProfile} needs an OCI profile: do not skip fn-context, or ${host.noProfileAdvice.replace(/\.$/, "")}.`,
    );
  }
  return inputs;
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
