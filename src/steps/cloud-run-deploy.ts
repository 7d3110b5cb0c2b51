import type { DockerCli } from "../docker/docker-cli.ts";
import type { RegistryLogin } from "../docker/docker-credentials.ts";
import type { RegistryCleanup } from "../docker/registry-login.ts";
import { UserError } from "../errors.ts";
import type { GcpCredentialInputs, GithubTokenSource } from "../gcp/credential-choice.ts";
import { accessTokenClient, checkAccessToken } from "../gcp/credentials.ts";
import { googleEndpoints } from "../gcp/google-endpoints.ts";
import { ensureInvokers } from "../gcp/invoker-iam.ts";
import { pushFunctionImage } from "../gcp/registry-push.ts";
import { explainRunFailure } from "../gcp/run-api-failure.ts";
import { runServicesClient } from "../gcp/run-client.ts";
import { getService, upsertService } from "../gcp/run-service.ts";
import { withRunLabel } from "../gcp/service-labels.ts";
import type { ServiceSettings } from "../gcp/service-settings.ts";
import { serviceChanges, serviceToSend } from "../gcp/service-spec.ts";
import type { CloudRunRollout } from "../inputs/cloud-run-rollout.ts";
import type { StepContext } from "../step-context.ts";
import { planCloudRunDeploy } from "./cloud-run-deploy-plan.ts";
import {
  cloudRunPromote,
  deployOutcome,
  planRollout,
  type RolloutOutcome,
  withRollout,
} from "./cloud-run-rollout.ts";

export interface CloudRunDeployTools extends GithubTokenSource {
  /** undefined when docker is not installed; needed only to build from path. */
  docker: DockerCli | undefined;
  /** Where docker reads config.json ($DOCKER_CONFIG or ~/.docker): the registry login goes there. */
  dockerConfigDir: string;
  /** Keeps a registry login's cleanup for the post step, before docker changes anything. */
  recordLogin?: (cleanup: RegistryCleanup) => void;
  /**
   * The login docker stored for a registry host: with it, a registry cloud-run-deploy does not log in
   * to itself is asked for an image built from the same source before anything is built.
   */
  storedLogin?(host: string): Promise<RegistryLogin | undefined>;
}

export interface CloudRunDeployInputs extends GcpCredentialInputs {
  project: string;
  region: string;
  service: string;
  /** A pushed image; with path, the tag to build and push. */
  image: string;
  /** The function's folder with its Dockerfile: build and push image from it before deploying. */
  path?: string;
  /** The Dockerfile, relative to path (default path/Dockerfile). */
  dockerfile?: string;
  function?: string;
  baseImage?: string;
  /** auto (Artifact Registry hosts), always or never: log docker in with the deployer's access token. */
  registryLogin?: string;
  /** KEY=VALUE lines; undefined leaves the service's environment as it is (see settings.envUpdate). */
  env?: string;
  /** A YAML file of KEY: value in the workspace, read with env (env wins for a name in both). */
  envFile?: string;
  /** Resources, scaling, identity, secrets, labels, VPC: checked by src/inputs/cloud-run-settings.ts. */
  settings?: ServiceSettings;
  ingress: string;
  allowUnauthenticated: boolean;
  /** Members to grant roles/run.invoker, newline or comma separated. */
  invokers?: string;
  wait: boolean;
  /** Labels a service this deploy creates (fngate-run), so teardown finds it; checked by the adapter. */
  runLabel?: string;
  /** rollout, tag, traffic, revision-suffix (src/inputs/cloud-run-rollout.ts); undefined is direct. */
  rollout?: CloudRunRollout;
}

export interface CloudRunDeployResult {
  url: string;
  revision: string;
  changed: boolean;
  /** What differed on the service ("image", "ingress (all -> internal)", "created"). */
  serviceChanges: string[];
  invokersAdded: string[];
  publicMembersRemoved: string[];
  /** Where the rollout left the traffic (cloud-run-rollout.ts). */
  rollout?: RolloutOutcome;
}

/** What a pipeline learns while the deploy still runs. */
export interface CloudRunDeployHooks {
  /** The service's URL, as soon as it is known (an existing service's before its new revision is ready). */
  onUrl?(url: string): void;
}

// The step's deadline (ctx.signal) bounds the wait; this only stops a wait nobody bounded.
const OPERATION_WAIT_MS = 20 * 60_000;

/**
 * Creates or updates a Cloud Run service from an image, private by default: ingress as asked, invoker
 * IAM checks on, and roles/run.invoker granted to the named members only. A re-run with nothing to
 * change makes no mutating call.
 */
export async function cloudRunDeploy(
  inputs: CloudRunDeployInputs,
  ctx: StepContext,
  tools: CloudRunDeployTools,
  hooks: CloudRunDeployHooks = {},
): Promise<CloudRunDeployResult> {
  if (inputs.rollout?.mode === "promote") return cloudRunPromote(inputs, ctx, tools);
  const plan = await planCloudRunDeploy(inputs, ctx, tools);
  const { desired, call } = plan;
  if (plan.build && !tools.docker) {
    throw new UserError(
      "docker is not installed, and cloud-run-deploy builds the image from path with docker: install docker on the runner, or drop path and deploy a pushed image.",
    );
  }
  const endpoints = googleEndpoints(ctx.endpoints.gcp);
  const auth = accessTokenClient(plan.credential, endpoints, (token) => ctx.secrets.register(token));
  await checkAccessToken(auth);
  for (const warning of plan.warnings) ctx.logger.warning(warning);
  const { build } = plan;
  const { docker } = tools;
  if (build && docker) {
    desired.image = await pushFunctionImage({
      docker,
      source: build,
      image: desired.image,
      loginHost: plan.loginHost,
      accessToken: async () => {
        const { token } = await auth.getAccessToken();
        if (!token) throw new Error("the auth client returned no access token");
        return token;
      },
      principal: call.principal,
      paths: { dockerConfigDir: tools.dockerConfigDir, tempDir: ctx.tempDir, homeDir: ctx.homeDir },
      ...(tools.recordLogin ? { recordLogin: tools.recordLogin } : {}),
      ...(tools.storedLogin ? { storedLogin: tools.storedLogin } : {}),
      registerSecret: (value) => ctx.secrets.register(value),
      log: (line) => ctx.logger.info(line),
      warn: (line) => ctx.logger.warning(line),
      group: (title, work) => ctx.logger.group(title, work),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    call.image = desired.image;
  }
  const client = runServicesClient(auth, endpoints);
  try {
    const existing = await getService(client, desired.name, ctx.signal).catch((error: unknown) => {
      throw explainRunFailure(error, { ...call, action: `read service ${inputs.service}` });
    });
    // A service keeps its URL across revisions: known now, a pipeline need not wait for the rollout.
    if (existing?.uri) hooks.onUrl?.(existing.uri);
    const changes = existing ? serviceChanges(existing, desired) : ["created"];
    const rollout = planRollout(existing, changes, inputs.rollout, inputs.service.trim());
    if (rollout.change) changes.push(rollout.change);
    if (changes.length > 0) {
      ctx.logger.info(
        existing
          ? `Updating service ${desired.name}: ${changes.join(", ")}.`
          : `Creating service ${desired.name} (ingress ${desired.ingress}, authentication required).`,
      );
      const service = withRollout(
        existing
          ? serviceToSend(existing, desired)
          : withRunLabel(serviceToSend(undefined, desired), inputs.runLabel),
        rollout,
      );
      const deploy = async () => {
        const { operationName, done } = await upsertService(client, service, {
          wait: inputs.wait,
          waitMs: OPERATION_WAIT_MS,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          progress: ctx.logger,
        }).catch((error: unknown) => {
          throw explainRunFailure(error, call);
        });
        ctx.logger.info(done ? `Operation ${operationName} finished.` : `Not waiting for ${operationName}.`);
      };
      // Waiting for the operation is the long part (a new revision has to start and pass its checks).
      await (inputs.wait
        ? ctx.logger.group(`Waiting for the Cloud Run operation on ${desired.name}`, deploy)
        : deploy());
    } else {
      ctx.logger.info(`Service ${desired.name} already has this image and settings: nothing to change.`);
    }
    const iam = await ensureInvokers(
      client,
      desired.name,
      plan.invokers,
      inputs.allowUnauthenticated,
      ctx.signal,
    ).catch((error: unknown) => {
      throw explainRunFailure(error, { ...call, action: `set the IAM policy of service ${inputs.service}` });
    });
    if (iam.added.length > 0) ctx.logger.info(`Granted roles/run.invoker to ${iam.added.join(", ")}.`);
    if (iam.removed.length > 0) {
      ctx.logger.warning(
        `Removed ${iam.removed.join(", ")} from roles/run.invoker: allow-unauthenticated is false, so the service is private.`,
      );
    }
    if (iam.added.length === 0 && iam.removed.length === 0) {
      ctx.logger.info("The invoker IAM policy already grants what is asked: not written.");
    }
    const deployed = changes.length > 0 ? await getService(client, desired.name, ctx.signal) : existing;
    if (!existing?.uri && deployed?.uri) hooks.onUrl?.(deployed.uri);
    const changed = changes.length > 0 || iam.added.length > 0 || iam.removed.length > 0;
    if (!changed) ctx.logger.info("Nothing changed (changed=false).");
    return {
      url: deployed?.uri ?? "",
      revision: (deployed?.latestReadyRevision ?? "").split("/").pop() ?? "",
      changed,
      serviceChanges: changes,
      invokersAdded: iam.added,
      publicMembersRemoved: iam.removed,
      rollout: deployOutcome(deployed, rollout, inputs.rollout?.tag, ctx.logger),
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}
