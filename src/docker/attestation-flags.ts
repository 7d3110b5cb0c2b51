import { UserError } from "../errors.ts";
import type { DockerCli } from "./docker-cli.ts";

/**
 * `docker build` is BuildKit (the buildx plugin) or the legacy builder, decided by the docker CLI:
 * buildx when the plugin is installed and DOCKER_BUILDKIT is not 0, the legacy builder otherwise
 * (Debian bookworm's docker.io has no buildx package; its 20.10 CLI also has a built-in BuildKit
 * client for DOCKER_BUILDKIT=1, which has no attestations; CLI 23+ refuses DOCKER_BUILDKIT=1 without
 * buildx). Buildx 0.10+ adds a provenance attestation by
 * default and then pushes an image index instead of one image manifest
 * (https://github.com/docker/buildx/issues/1533); the legacy builder never does. Rather than guess
 * from versions and variables, fngate asks the command it will run: `docker build --help` lists
 * --provenance and --sbom only when buildx is what builds.
 */
export interface BuilderChoice {
  /**
   * "buildx" when `docker build` is the buildx plugin; "legacy" otherwise: the legacy builder, or the
   * BuildKit client built into docker CLIs before 23 (DOCKER_BUILDKIT=1), neither of which attests.
   */
  builder: "buildx" | "legacy";
  /** Flags that keep the push a single image manifest (none where there are no attestations). */
  flags: string[];
}

export async function attestationFlags(docker: DockerCli, signal?: AbortSignal): Promise<BuilderChoice> {
  const help = await docker.run(["build", "--help"], signal ? { signal } : {});
  if (help.code !== 0) {
    const reason = `${help.stderr}\n${help.stdout}`.trim().split("\n")[0]?.trim() || `exit ${help.code}`;
    throw new UserError(
      `docker build cannot run here (${reason}): install the docker buildx plugin, or unset DOCKER_BUILDKIT to use the legacy builder.`,
    );
  }
  return builderFromHelp(`${help.stdout}\n${help.stderr}`);
}

/** The decision alone, from the help text the docker CLI printed for `docker build --help`. */
export function builderFromHelp(help: string): BuilderChoice {
  const has = (flag: string) => new RegExp(`^\\s+(?:-\\w, )?--${flag}\\b`, "m").test(help);
  const flags = [
    ...(has("provenance") ? ["--provenance=false"] : []),
    ...(has("sbom") ? ["--sbom=false"] : []),
  ];
  const buildx = /^Usage:\s+docker buildx (build|b)\b/m.test(help) || flags.length > 0;
  return { builder: buildx ? "buildx" : "legacy", flags };
}
