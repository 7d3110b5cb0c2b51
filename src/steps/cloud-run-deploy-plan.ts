import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { UserError } from "../errors.ts";
import { baseImageUri, checkBaseImageBuild, prebuiltBaseImageWarning } from "../gcp/base-image.ts";
import { chooseGcpCredential } from "../gcp/credential-choice.ts";
import { type GcpCredential, principalOf } from "../gcp/credentials.ts";
import {
  checkFunctionTarget,
  checkImage,
  checkIngress,
  checkProject,
  checkRegion,
  checkServiceName,
  parseEnv,
  parseInvokers,
} from "../gcp/deploy-checks.ts";
import { withEnvFile } from "../gcp/env-file.ts";
import { type BuildSource, checkBuildSource } from "../gcp/function-image.ts";
import { checkRegistryLogin, registryLoginHost } from "../gcp/registry-login-host.ts";
import type { RunCallContext } from "../gcp/run-api-failure.ts";
import type { DesiredService } from "../gcp/service-spec.ts";
import type { StepContext } from "../step-context.ts";
import type { CloudRunDeployInputs, CloudRunDeployTools } from "./cloud-run-deploy.ts";

/** What cloud-run-deploy will do, decided before its first call. */
export interface DeployPlan {
  desired: DesiredService;
  build?: BuildSource;
  /** The registry host to log in to before the push, when building. */
  loginHost?: string;
  /** Said before the first call (a base image fngate cannot check). */
  warnings: string[];
  invokers: string[];
  credential: GcpCredential;
  call: RunCallContext;
}

/**
 * Every check that needs no call, so a bad input deploys nothing and a pipeline can refuse it before
 * its first stage.
 */
export async function planCloudRunDeploy(
  inputs: CloudRunDeployInputs,
  ctx: Pick<StepContext, "secrets" | "workspaceDir">,
  tools: CloudRunDeployTools,
): Promise<DeployPlan> {
  const project = checkProject(inputs.project.trim());
  const region = checkRegion(inputs.region.trim());
  const service = checkServiceName(inputs.service.trim());
  const desired: DesiredService = {
    name: `projects/${project}/locations/${region}/services/${service}`,
    image: checkImage(inputs.image.trim()),
    ingress: checkIngress(inputs.ingress.trim()),
  };
  if (inputs.env !== undefined) desired.env = parseEnv(inputs.env);
  if (inputs.envFile !== undefined) {
    desired.env = await withEnvFile(
      desired.env,
      inputs.envFile,
      ctx.workspaceDir,
      inputs.settings?.secretEnv,
    );
  }
  if (inputs.settings) desired.settings = inputs.settings;
  if (inputs.function !== undefined) desired.functionTarget = checkFunctionTarget(inputs.function.trim());
  if (desired.functionTarget !== undefined && desired.env && "FUNCTION_TARGET" in desired.env) {
    throw new UserError(
      "env sets FUNCTION_TARGET and function is set too: keep function (it sets FUNCTION_TARGET) and remove the env line.",
    );
  }
  if (inputs.baseImage !== undefined) desired.baseImage = baseImageUri(inputs.baseImage.trim(), region);
  const invokers = parseInvokers(inputs.invokers ?? "", inputs.allowUnauthenticated);
  const credential = chooseGcpCredential(inputs, ctx, tools);
  if (inputs.dockerfile !== undefined && inputs.path === undefined) {
    throw new UserError(
      "dockerfile is set without path: set path to the folder to build, or drop dockerfile to deploy a pushed image.",
    );
  }
  const build =
    inputs.path === undefined
      ? undefined
      : await checkBuildSource(inputs.path, inputs.dockerfile, desired.image, ctx.workspaceDir);
  const registryLogin = checkRegistryLogin(inputs.registryLogin);
  const loginHost = build ? registryLoginHost(desired.image, registryLogin) : undefined;
  const warnings: string[] = [];
  if (desired.baseImage !== undefined) {
    const warning = build
      ? checkBaseImageBuild(basename(build.dockerfile), readFileSync(build.dockerfile, "utf8"))
      : prebuiltBaseImageWarning(desired.image, desired.baseImage);
    if (warning) warnings.push(warning);
  }
  return {
    desired,
    ...(build ? { build } : {}),
    ...(loginHost ? { loginHost } : {}),
    warnings,
    invokers,
    credential,
    call: {
      action: `deploy service ${service}`,
      project,
      region,
      image: desired.image,
      principal: principalOf(credential),
    },
  };
}
