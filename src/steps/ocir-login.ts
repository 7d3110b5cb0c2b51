import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DockerCli } from "../docker/docker-cli.ts";
import { basicAuth, withAuthEntry } from "../docker/docker-config.ts";
import { describeError, UserError } from "../errors.ts";
import { detachLinks, replacedLinkNote } from "../fs/home-links.ts";
import { discard, linkedPaths, type RestorePlan, recordBeforeChange, restore } from "../fs/restore-plan.ts";
import { writeIfChanged } from "../fs/write-if-changed.ts";
import { checkNamespace, checkRegistryHost, ocirUsername } from "../oci/ocir-login-name.ts";
import { ocirHost, resolveRegion } from "../oci/region.ts";
import type { StepContext } from "./step-context.ts";

export interface OcirLoginInputs {
  region: string;
  namespace?: string;
  username: string;
  identityDomain?: string;
  authToken: string;
  /** Registry host override (private endpoints, the emulators). */
  registry?: string;
  logout: boolean;
  /** The OCI profile fn-context wrote, used to look up the namespace when it is not given. */
  ociProfile?: { configFile: string; profile: string };
}

export interface OcirTools {
  /** The docker CLI; undefined when it is not installed. */
  docker: DockerCli | undefined;
  /** Where docker (and podman, crane…) read config.json: $DOCKER_CONFIG or ~/.docker. */
  dockerConfigDir: string;
}

export interface OcirLoginResult {
  registry: string;
  username: string;
  namespace: string;
  imagePrefix: string;
  method: "docker login" | "docker config";
  /** What the post step needs; undefined when logout is false (the login is meant to outlive the job). */
  cleanup?: OcirCleanup;
}

export interface OcirCleanup {
  registry: string;
  method: OcirLoginResult["method"];
  restorePlan: RestorePlan;
}

/** Logs in to OCIR with an auth token, with the username assembled the way OCIR expects it. */
export async function ocirLogin(
  inputs: OcirLoginInputs,
  ctx: StepContext,
  tools: OcirTools,
): Promise<OcirLoginResult> {
  const region = resolveRegion(inputs.region, "region", (message) => ctx.logger.warning(message));
  const registry = inputs.registry ? checkRegistryHost(inputs.registry) : ocirHost(region);
  const namespace = checkNamespace(inputs.namespace ?? (await lookUpNamespaceFor(inputs, region.id, ctx)));
  const username = ocirUsername(namespace, inputs.username, inputs.identityDomain);
  const auth = basicAuth(username, inputs.authToken);
  ctx.secrets.register(auth);

  const configFile = join(tools.dockerConfigDir, "config.json");
  const restorePlan = await recordBeforeChange(ctx.tempDir, ctx.homeDir, [configFile]);
  const linked = linkedPaths(restorePlan);
  if (!inputs.logout && linked.length > 0) {
    await discard(restorePlan);
    // A login meant to outlive the job would have to stay in the link's target (a dotfiles repository)
    // or replace the user's link for good: neither is fngate's call to make.
    throw new UserError(
      `${linked[0]} is a symlink, and logout is false: the login would have to stay where the link points. Set logout to true, or replace the link with a file.`,
    );
  }
  let method: OcirLoginResult["method"];
  try {
    // docker itself writes through a linked config.json, into the link's target: replace it first.
    for (const link of await detachLinks(restorePlan)) ctx.logger.info(replacedLinkNote(link));
    if (tools.docker) {
      method = "docker login";
      const result = await tools.docker.run(["login", registry, "--username", username, "--password-stdin"], {
        stdin: inputs.authToken,
      });
      if (result.code !== 0) throw explainLoginFailure(registry, username, result.stderr || result.stdout);
    } else {
      method = "docker config";
      const existing = await readFile(configFile, "utf8").catch(() => undefined);
      await writeIfChanged(configFile, withAuthEntry(existing, registry, auth));
    }
  } catch (error) {
    await restore(restorePlan);
    throw error;
  }
  ctx.logger.info(
    method === "docker login"
      ? `Logged in to ${registry} as ${username} with docker.`
      : `docker is not installed: wrote the ${registry} login for ${username} to ${configFile} (podman, buildah and crane read it).`,
  );
  const result: OcirLoginResult = {
    registry,
    username,
    namespace,
    imagePrefix: `${registry}/${namespace}`,
    method,
  };
  if (inputs.logout) {
    result.cleanup = { registry, method, restorePlan };
  } else {
    await discard(restorePlan);
  }
  return result;
}

/** The post step: log out, then put docker's config.json back exactly as it was. */
export async function ocirLogout(cleanup: OcirCleanup, ctx: StepContext, tools: OcirTools): Promise<void> {
  if (cleanup.method === "docker login" && tools.docker) {
    // Logging out also clears a credential helper (credsStore), which restoring config.json would not.
    const result = await tools.docker.run(["logout", cleanup.registry]);
    if (result.code !== 0)
      ctx.logger.warning(`docker logout ${cleanup.registry} failed: ${lastLine(result.stderr)}`);
  }
  await restore(cleanup.restorePlan);
  ctx.logger.info(`Logged out of ${cleanup.registry}; docker's config.json is as it was before ocir-login.`);
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
  const { lookUpNamespace } = await import("../oci/namespace.ts");
  try {
    const namespace = await lookUpNamespace({
      ...inputs.ociProfile,
      regionId,
      ...(ctx.endpoints.oci ? { endpoint: ctx.endpoints.oci } : {}),
    });
    ctx.logger.info(`Tenancy namespace: ${namespace} (looked up with profile ${inputs.ociProfile.profile}).`);
    return namespace;
  } catch (error) {
    throw new UserError(
      `namespace lookup failed (${describeError(error)}): set the namespace input, or check the fn-context step.`,
    );
  }
}

function explainLoginFailure(registry: string, username: string, output: string): UserError {
  const reason = lastLine(output);
  if (/connection refused|no such host|timeout|i\/o timeout|dial tcp/i.test(reason)) {
    return new UserError(
      `docker login to ${registry} failed: the registry could not be reached (${reason}). Check region and registry.`,
    );
  }
  return new UserError(
    `docker login to ${registry} as ${username} was refused (${reason}). Likely causes: the username form (OCIR expects <namespace>/<user>, or <namespace>/<identity-domain>/<user> for federated or identity-domain users such as oracleidentitycloudservice: set identity-domain); auth-token is wrong, or was created moments ago and is not active yet; or the user has no policy allowing it to use the tenancy's repositories.`,
  );
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").trim() || "no output";
}
