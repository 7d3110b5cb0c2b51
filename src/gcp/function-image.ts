import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DockerCli } from "../docker/docker-cli.ts";
import { buildAndPush, type PushedImage } from "../docker/image-build.ts";
import { UserError } from "../errors.ts";
import { confineToWorkspace } from "../fs/workspace-path.ts";

/** Where the function's container is built from, when the deploy builds it. */
export interface BuildSource {
  contextDir: string;
  /** Absolute path of the Dockerfile (the context's own unless `dockerfile` names another). */
  dockerfile: string;
}

/**
 * Checks the build inputs without running anything: the folder and its Dockerfile exist inside the
 * workspace (symbolic links resolved, so a link out of it is refused too), image is a tag.
 */
export async function checkBuildSource(
  path: string,
  dockerfile: string | undefined,
  image: string,
  workspaceDir: string,
): Promise<BuildSource> {
  const contextDir = (await confineToWorkspace("path", path, workspaceDir)).real;
  if (!existsSync(contextDir) || !statSync(contextDir).isDirectory()) {
    throw new UserError(
      `path ${JSON.stringify(path)} is not a folder: set it to the function's folder in the repository (after actions/checkout).`,
    );
  }
  // The Dockerfile too: a link to a file outside (a key) would be read by docker and quoted in its errors.
  const file =
    dockerfile === undefined
      ? (await confineToWorkspace("path", join(path, "Dockerfile"), workspaceDir)).real
      : (await confineToWorkspace("dockerfile", join(path, dockerfile), workspaceDir)).real;
  if (!existsSync(file)) {
    throw new UserError(
      dockerfile === undefined
        ? `path ${JSON.stringify(path)} has no Dockerfile: add one, name it with the dockerfile input, or drop path and deploy a pushed image.`
        : `dockerfile ${JSON.stringify(dockerfile)} does not exist in ${JSON.stringify(path)}: give its path relative to path.`,
    );
  }
  if (image.includes("@")) {
    throw new UserError(
      `image ${image} has a digest: with path, image is the tag to build and push (HOST/PATH:TAG); the deploy pins the pushed digest itself.`,
    );
  }
  return { contextDir, dockerfile: file };
}

// Cloud Run runs linux/amd64 ("Cloud Run specifically supports the Linux x86_64 ABI format",
// https://cloud.google.com/run/docs/container-contract).
export const CLOUD_RUN_PLATFORM = "linux/amd64";

/** A pushed function image: its digest, the image pinned by it, and the context hash it is labelled with. */
export interface BuiltFunctionImage extends PushedImage {
  /** HOST/PATH@sha256:…, what the service runs. */
  pinned: string;
}

/** HOST/PATH:TAG -> HOST/PATH (a port in HOST is not a tag). */
export function repositoryOf(image: string): string {
  return image.replace(/:[^:/]+$/, "");
}

/**
 * Builds and pushes the function's container, labelled with its context hash, and returns the image
 * pinned by digest, so the service runs exactly what was built and a re-run that builds the same
 * image changes nothing. The registry
 * login is cloud-run-deploy's own (`loggedInAs`, see registry-push.ts) or the job's (docker/login-action,
 * gcloud auth configure-docker).
 */
export async function buildFunctionImage(
  docker: DockerCli,
  source: BuildSource,
  image: string,
  tempDir: string,
  log: (line: string) => void,
  signal?: AbortSignal,
  options: { loggedInAs?: string } = {},
): Promise<BuiltFunctionImage> {
  try {
    const pushed = await buildAndPush(
      docker,
      {
        contextDir: source.contextDir,
        dockerfile: source.dockerfile,
        image,
        platform: CLOUD_RUN_PLATFORM,
        tempDir,
        labelContext: true,
        ...(signal ? { signal } : {}),
      },
      log,
    );
    return { ...pushed, pinned: `${repositoryOf(image)}@${pushed.digest}` };
  } catch (error) {
    const refused =
      error instanceof UserError ? /^docker push \S+ was refused \((.*)\): /.exec(error.message) : null;
    if (!refused) throw error;
    const host = image.split("/")[0] ?? image;
    if (options.loggedInAs) {
      throw new UserError(
        `docker push ${image} was refused (${refused[1]}): ${options.loggedInAs} may not push there; grant it roles/artifactregistry.writer on the repository (or the project), and check that image names an existing repository (HOST/PROJECT/REPOSITORY/IMAGE:TAG).`,
      );
    }
    throw new UserError(
      `docker push ${image} was refused (${refused[1]}): log in to ${host} before cloud-run-deploy (docker/login-action with username oauth2accesstoken and an access token, or gcloud auth configure-docker ${host}), or set registry-login: always to log in with the deployer's access token.`,
    );
  }
}
