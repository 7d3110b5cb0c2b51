import { describeError, UserError } from "../errors.ts";
import { detachLinks, replacedLinkNote } from "../fs/home-links.ts";
import { discard, linkedPaths, type RestorePlan, recordBeforeChange, restore } from "../fs/restore-plan.ts";
import { ociCallOptions } from "../oci/call-options.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import { ocirHost, resolveRegion } from "../oci/region.ts";
import { checkNamespace, checkRegistryHost } from "../oci/registry/ocir-login-name.ts";
import type { StepContext } from "../step-context.ts";
import { type CleanupTask, runCleanups } from "./cleanup-tasks.ts";
import { credentialWay, ocirCredential } from "./ocir-credential.ts";
import {
  dockerConfigFile,
  dockerLogin,
  type LoginMethod,
  type LoginTarget,
  lastLine,
  loginMethod,
  type OcirTools,
} from "./ocir-docker-login.ts";

export type { OcirTools };

export interface OcirLoginInputs {
  region: string;
  namespace?: string;
  /** The user owning authToken; not used with a registry token. */
  username?: string;
  identityDomain?: string;
  /** A user's auth token. Without it, a short-lived registry token is requested with ociProfile. */
  authToken?: string;
  /** Registry host override (private endpoints, the emulators). */
  registry?: string;
  logout: boolean;
  /** The OCI profile fn-context wrote: looks up the namespace, and signs the registry token request. */
  ociProfile?: OciProfile;
}

/**
 * A login with a registry token, as fn-deploy needs it to renew the token before a push that would
 * start after it expires, or after a push refused with 401. Names only, never the token.
 */
export interface TokenLogin extends LoginTarget {
  /** ISO time the token expires. */
  expiresAt: string;
}

export interface OcirLoginResult {
  registry: string;
  username: string;
  namespace: string;
  imagePrefix: string;
  method: LoginMethod;
  credential: "auth token" | "registry token";
  /** Set for a registry token login. */
  tokenLogin?: TokenLogin;
  /** What the post step needs; undefined when logout is false (the login is meant to outlive the job). */
  cleanup?: OcirCleanup;
}

export interface OcirCleanup {
  registry: string;
  method: LoginMethod;
  restorePlan: RestorePlan;
  /** Set for a registry token login: lets `fngate fn-deploy` renew it (names only, never the token). */
  tokenLogin?: TokenLogin;
}

export interface OcirLoginHooks {
  /**
   * Called with what the post step must undo before docker login runs, so a step killed mid-login
   * (a cancelled run, a runner timeout) is still logged out; called with undefined once nothing is
   * left to undo (the login failed and was undone, or logout is false and it succeeded).
   */
  onCleanup?(cleanup: OcirCleanup | undefined): void;
  /**
   * The credential, once known and before docker login runs (in memory only, masked): the pipeline
   * asks the registry with it whether the image is built already while docker login still runs.
   */
  onCredential?(login: EarlyRegistryLogin): void;
}

/** What ocir-login knows before docker login: where it logs in, as whom, and the token's expiry. */
export interface EarlyRegistryLogin {
  registry: string;
  imagePrefix: string;
  username: string;
  password: string;
  tokenLogin?: TokenLogin;
}

/** Logs in to OCIR with an auth token or a short-lived registry token. */
export async function ocirLogin(
  inputs: OcirLoginInputs,
  ctx: StepContext,
  tools: OcirTools,
  hooks: OcirLoginHooks = {},
): Promise<OcirLoginResult> {
  const region = resolveRegion(inputs.region, "region", (message) => ctx.logger.warning(message));
  const registry = inputs.registry ? checkRegistryHost(inputs.registry) : ocirHost(region);
  // Neither an auth token nor a profile: say so before anything else (the namespace lookup needs a profile too).
  credentialWay(inputs);
  const namespace = checkNamespace(inputs.namespace ?? (await lookUpNamespaceFor(inputs, region.id, ctx)));
  const target: LoginTarget = { registry, namespace, regionId: region.id };
  const credential = await ocirCredential(inputs, target, ctx);
  hooks.onCredential?.({
    registry,
    imagePrefix: `${registry}/${namespace}`,
    username: credential.username,
    password: credential.password,
    ...(credential.kind === "registry token"
      ? { tokenLogin: { ...target, expiresAt: credential.expiresAt.toISOString() } }
      : {}),
  });

  const method = loginMethod(tools);
  const restorePlan = await recordBeforeChange(ctx.tempDir, ctx.homeDir, [dockerConfigFile(tools)]);
  const linked = linkedPaths(restorePlan);
  if (!inputs.logout && linked.length > 0) {
    await discard(restorePlan);
    // A login meant to outlive the job would have to stay in the link's target (a dotfiles repository)
    // or replace the user's link for good: neither is fngate's call to make.
    throw new UserError(
      `${linked[0]} is a symlink, and logout is false: the login would have to stay where the link points. Set logout to true, or replace the link with a file.`,
    );
  }
  const cleanup: OcirCleanup = { registry, method, restorePlan };
  hooks.onCleanup?.(cleanup);
  try {
    // docker itself writes through a linked config.json, into the link's target: replace it first.
    for (const link of await detachLinks(restorePlan)) ctx.logger.info(replacedLinkNote(link));
    await dockerLogin(credential, target, tools, ctx);
  } catch (error) {
    await restore(restorePlan);
    hooks.onCleanup?.(undefined);
    throw error;
  }
  const how = credential.kind === "registry token" ? "a registry token" : "an auth token";
  ctx.logger.info(
    method === "docker login"
      ? `Logged in to ${registry} as ${credential.username} with ${how}, with docker.`
      : `docker is not installed: wrote the ${registry} login for ${credential.username} (${how}) to ${dockerConfigFile(tools)} (podman, buildah and crane read it).`,
  );
  const result: OcirLoginResult = {
    registry,
    username: credential.username,
    namespace,
    imagePrefix: `${registry}/${namespace}`,
    method,
    credential: credential.kind,
  };
  if (credential.kind === "registry token") {
    result.tokenLogin = { ...target, expiresAt: credential.expiresAt.toISOString() };
  }
  if (inputs.logout) {
    result.cleanup = { ...cleanup, ...(result.tokenLogin ? { tokenLogin: result.tokenLogin } : {}) };
    hooks.onCleanup?.(result.cleanup);
  } else {
    await discard(restorePlan);
    hooks.onCleanup?.(undefined);
  }
  return result;
}

/** The post step: log out, then put docker's config.json back as it was; each part runs whatever the other did. */
export async function ocirLogout(cleanup: OcirCleanup, ctx: StepContext, tools: OcirTools): Promise<void> {
  await runCleanups(ocirLogoutTasks(cleanup, ctx, tools), ctx.logger);
}

export function ocirLogoutTasks(cleanup: OcirCleanup, ctx: StepContext, tools: OcirTools): CleanupTask[] {
  const tasks: CleanupTask[] = [];
  const { docker } = tools;
  if (cleanup.method === "docker login" && docker) {
    // Logging out also clears a credential helper (credsStore), which restoring config.json would not.
    tasks.push({
      what: `docker logout ${cleanup.registry}`,
      run: async () => {
        const result = await docker.run(["logout", cleanup.registry]);
        if (result.code !== 0) throw new Error(lastLine(result.stderr || result.stdout));
      },
    });
  }
  tasks.push({
    what: `restoring docker's config.json (${dockerConfigFile(tools)}) after the ${cleanup.registry} login`,
    run: async () => {
      await restore(cleanup.restorePlan);
      ctx.logger.info(
        `Logged out of ${cleanup.registry}; docker's config.json is as it was before ocir-login.`,
      );
    },
  });
  return tasks;
}

async function lookUpNamespaceFor(
  inputs: OcirLoginInputs,
  regionId: string,
  ctx: StepContext,
): Promise<string> {
  if (!inputs.ociProfile) {
    throw new UserError(
      "namespace is required when no OCI profile is configured: set namespace, or run fn-context first (it exports OCI_CLI_CONFIG_FILE).",
    );
  }
  const { lookUpNamespace } = await import("../oci/registry/namespace.ts");
  try {
    const namespace = await lookUpNamespace({
      ...inputs.ociProfile,
      regionId,
      ...ociCallOptions(ctx),
    });
    ctx.logger.info(`Tenancy namespace: ${namespace} (looked up with profile ${inputs.ociProfile.profile}).`);
    return namespace;
  } catch (error) {
    throw new UserError(
      `namespace lookup failed (${describeError(error)}): set the namespace input, or check the fn-context step.`,
    );
  }
}
