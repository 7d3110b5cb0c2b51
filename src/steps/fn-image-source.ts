import { rm } from "node:fs/promises";
import { attestationFlags, type BuilderChoice } from "../docker/attestation-flags.ts";
import type { DockerCli } from "../docker/docker-cli.ts";
import type { RegistryLogin } from "../docker/docker-credentials.ts";
import { lookUpReusableImage, type ReuseLookup } from "../docker/image-reuse.ts";
import type { RegistryAccess } from "../docker/registry-session.ts";
import type { Plan } from "../oci/functions/deploy-plan.ts";
import { buildPlatformOf, DEFAULT_SHAPE } from "../oci/functions/function-shape.ts";
import type { StepContext } from "../step-context.ts";
import { writtenDockerfile } from "./fn-deploy-dockerfile.ts";
import { type HeldLines, heldLines } from "./held-lines.ts";

/**
 * What a build from path needs before the application's shape is known: the Dockerfile (generated
 * from func.yaml when the folder has none), which builder docker has, and the registry's answer to
 * "built from this source before?". That answer depends on the platform, which the application's
 * shape decides; it is asked for the likely platform while the application is looked up (see
 * likelyPlatform), and its lines are logged only for the platform the build then uses.
 */
export interface BuildSource {
  build: NonNullable<Plan["build"]>;
  /** The generated Dockerfile's path; undefined when the folder has its own. */
  dockerfile: string | undefined;
  /** How the registry is asked; undefined without a stored login (then every deploy builds). */
  access: RegistryAccess | undefined;
  /** Which builder `docker build` is (asked once); undefined when this run does not build here. */
  builder: Promise<BuilderChoice> | undefined;
  /** Starts asking the registry for `platform` without waiting (or logging) for the answer. */
  ask(platform: string): void;
  /** The registry's answer for `platform` (asked now unless asked before), its lines logged once. */
  answer(platform: string): Promise<ReuseLookup>;
  /** Removes a Dockerfile generated from func.yaml. */
  release(): Promise<void>;
}

/** Where a build source finds docker and the login docker stored (see ImageTools). */
export interface SourceTools {
  docker: DockerCli;
  builder?: Promise<BuilderChoice>;
  storedLogin?(host: string): Promise<RegistryLogin | undefined>;
}

/**
 * The platform the build will most likely be for: the `shape` input's, else that of OCI's default
 * shape (an application created without one). Undefined for a shape no single build makes.
 */
export function likelyPlatform(plan: Pick<Plan, "shape">): string | undefined {
  return buildPlatformOf(plan.shape ?? DEFAULT_SHAPE);
}

export async function openBuildSource(
  build: NonNullable<Plan["build"]>,
  tools: SourceTools,
  ctx: StepContext,
  options: { build: boolean },
): Promise<BuildSource> {
  const dockerfile = await writtenDockerfile(build, ctx);
  const access = registryAccess(tools, ctx);
  // Asked while the registry is (unless the caller asked already): `docker build --help`, no build.
  const builder = options.build ? (tools.builder ?? attestationFlags(tools.docker, ctx.signal)) : undefined;
  builder?.catch(() => {}); // a failure is reported by the build that awaits it, if one runs
  const asked = new Map<string, Promise<{ lookup: ReuseLookup; lines: HeldLines }>>();
  const ask = (platform: string) => {
    let pending = asked.get(platform);
    if (!pending) {
      pending = askRegistry(build, platform, dockerfile, access);
      // An answer for a platform the build does not use is never awaited.
      pending.catch(() => {});
      asked.set(platform, pending);
    }
    return pending;
  };
  const logged = new Set<string>();
  return {
    build,
    dockerfile,
    access,
    builder,
    ask: (platform) => void ask(platform),
    async answer(platform) {
      const { lookup, lines } = await ask(platform);
      if (!logged.has(platform)) {
        logged.add(platform);
        lines.show(ctx.logger);
      }
      return lookup;
    },
    release: () => (dockerfile ? rm(dockerfile, { force: true }) : Promise.resolve()),
  };
}

async function askRegistry(
  build: NonNullable<Plan["build"]>,
  platform: string,
  dockerfile: string | undefined,
  access: RegistryAccess | undefined,
): Promise<{ lookup: ReuseLookup; lines: HeldLines }> {
  const lines = heldLines();
  if (!access) return { lookup: { found: false }, lines };
  const lookup = await lookUpReusableImage({
    image: build.image,
    contextDir: build.contextDir,
    ...(dockerfile ? { dockerfile } : {}),
    platform,
    access,
    log: lines.log,
    warn: lines.warn,
  });
  return { lookup, lines };
}

function registryAccess(tools: SourceTools, ctx: StepContext): RegistryAccess | undefined {
  return tools.storedLogin
    ? {
        login: tools.storedLogin,
        registerSecret: (value: string) => ctx.secrets.register(value),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }
    : undefined;
}
