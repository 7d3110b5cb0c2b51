import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Plan } from "../oci/functions/deploy-plan.ts";
import type { StepContext } from "../step-context.ts";

// The Dockerfile fn-deploy builds with: the folder's own, or one generated from func.yaml.

/** The text docker builds from: the generated Dockerfile, or the folder's own; undefined if unreadable. */
export function dockerfileText(build: NonNullable<Plan["build"]>, generated: string | undefined) {
  return readFile(generated ?? join(build.contextDir, "Dockerfile"), "utf8").catch(() => undefined);
}

/**
 * The Dockerfile to build with: undefined for the directory's own, else one generated from func.yaml,
 * written outside the build context (neither sent to the daemon nor left in the user's folder); the
 * caller removes it.
 */
export async function writtenDockerfile(
  build: NonNullable<Plan["build"]>,
  ctx: StepContext,
): Promise<string | undefined> {
  const generated = build.generatedDockerfile;
  if (!generated) return undefined;
  const path = join(ctx.tempDir, `fngate-${randomBytes(6).toString("hex")}.Dockerfile`);
  await writeFile(path, generated.text);
  ctx.logger.info(
    `No Dockerfile in ${build.contextDir}: generated one from func.yaml's runtime ${generated.runtime}, as fn build does.`,
  );
  return path;
}
