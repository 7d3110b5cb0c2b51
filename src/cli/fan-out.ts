import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { describeError, isUserError } from "../errors.ts";
import type { InputReader } from "../inputs/reader.ts";
import { requiredFrom } from "../inputs/reader.ts";
import { parseTargets, type Target, targetRunLabel } from "../inputs/targets.ts";
import { prefixedLogger } from "../steps/stage-logger.ts";
import type { CommandOutcome, CommandRun, CommandRunner, TargetSpec } from "./command.ts";
import { settleInPool } from "./target-pool.ts";
import { UsageError } from "./usage-error.ts";

/** Concurrent targets by default: enough to overlap the clouds' waits, few enough for one runner's docker. */
export const DEFAULT_PARALLEL = 3;
const MAX_PARALLEL = 32;

/** The flags a command that fans out takes beyond its action's inputs (--help lists them). */
export const TARGET_FLAGS = [
  {
    name: "targets",
    value: "a list of regions",
    description:
      'Deploy to several regions at once: a JSON array (["us-ashburn-1", {"region": "eu-frankfurt-1", "name": "fra"}]) or regions separated by commas (name=region names one); instead of --region. Each target\'s lines start with [<name>], its outputs are <name>.<output>, and a summary line per target ends the run; the command fails if any target failed, after all have run.',
  },
  {
    name: "parallel",
    value: "a number",
    description: `With --targets: how many targets run at once (1-${MAX_PARALLEL}, default ${DEFAULT_PARALLEL}).`,
  },
] as const;

/**
 * `fngate <command> --targets ...`: the command once per target, at most --parallel at a time, each
 * with its region (and its own settings), its run label and, where two share a region, its resource
 * names suffixed with its name; its lines prefixed with its name. One target's failure never stops the
 * others; the outcome fails when any did.
 */
export async function runTargets(
  spec: TargetSpec,
  base: CommandRun,
  runner: CommandRunner,
): Promise<CommandOutcome> {
  const targets = parseTargets(base.flag("targets"), base.flag("region"), spec.settings, {
    targets: "--targets",
    region: "--region",
  });
  const parallel = parallelOf(base.flag("parallel"));
  const { logger } = base.ctx;
  logger.info(
    `${targets.length} targets (${targets.map((t) => `${t.name}: ${t.region}`).join(", ")}), ${Math.min(parallel, targets.length)} at a time.`,
  );
  const settled = await settleInPool(targets, parallel, (target) => runOne(spec, base, runner, target));
  const outputs: Record<string, string> = {};
  const failed: string[] = [];
  const lines: string[] = [];
  settled.forEach((result, index) => {
    const target = targets[index] as Target;
    const failure = result.status === "rejected" ? describeError(result.reason) : result.value.failure;
    if (result.status === "fulfilled") {
      for (const [name, value] of Object.entries(result.value.outputs))
        outputs[`${target.name}.${name}`] = value;
    }
    if (failure !== undefined) failed.push(target.name);
    // Where it answers: the URL, or (Function Compute, with no URL of its own) the function's ARN.
    const url =
      result.status === "fulfilled"
        ? (result.value.outputs.url ?? result.value.outputs["function-arn"])
        : undefined;
    if (
      result.status === "rejected" &&
      !isUserError(result.reason) &&
      !(result.reason instanceof UsageError) &&
      result.reason instanceof Error
    )
      logger.debug(`${target.name}: ${result.reason.stack ?? result.reason.message}`);
    lines.push(
      `${target.name} (${target.region}): ${failure === undefined ? `ok${url ? ` ${url}` : ""}` : `FAILED: ${failure}`}`,
    );
  });
  // A refusal of the command line itself (a flag missing for every target) is a usage error, once.
  const usage = settled.map((r) =>
    r.status === "rejected" && r.reason instanceof UsageError ? r.reason.message : "",
  );
  if (usage.every((message) => message !== "" && message === usage[0])) throw new UsageError(usage[0] ?? "");
  logger.info("── targets");
  for (const line of lines) logger.info(line);
  return {
    outputs,
    ...(failed.length > 0
      ? {
          failure: `${failed.length} of ${targets.length} targets failed (${failed.join(", ")}); the others ran to the end.`,
        }
      : {}),
  };
}

async function runOne(
  spec: TargetSpec,
  base: CommandRun,
  runner: CommandRunner,
  target: Target,
): Promise<CommandOutcome> {
  const logger = prefixedLogger(base.ctx.logger, `[${target.name}] `);
  // Steps that write ~/.oci, ~/.fn or docker's config get a home of their own, so targets never share a file.
  const home = spec.ownHome ? await mkdtemp(join(base.ctx.tempDir, `fngate-${target.name}-`)) : undefined;
  try {
    const ctx = { ...base.ctx, logger, ...(home ? { homeDir: home } : {}) };
    const env = home ? { ...base.tools.env, DOCKER_CONFIG: join(home, ".docker") } : base.tools.env;
    return await runner({
      ...base,
      read: targetReader(base.read, target, spec),
      ctx,
      tools: { ...base.tools, env, ...(home ? { homeDir: home } : {}) },
      log: { ...base.log, ...logger },
    });
  } finally {
    if (home) await rm(home, { recursive: true, force: true });
  }
}

/** The command's inputs as this target sees them. */
export function targetReader(
  read: InputReader,
  target: Target,
  spec: Pick<TargetSpec, "suffixed">,
): InputReader {
  const optional = (name: string, envFallback?: string): string | undefined => {
    if (name === "region") return target.region;
    const own = target.settings[name];
    if (own !== undefined) return own;
    const value = read.optional(name, envFallback);
    if (name === "run-label") return targetRunLabel(value, target);
    return value !== undefined && spec.suffixed.includes(name) ? `${value}${target.suffix}` : value;
  };
  return { ...read, optional, required: requiredFrom(optional, read.missing) };
}

function parallelOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PARALLEL;
  const value = Number(text.trim());
  if (Number.isInteger(value) && value >= 1 && value <= MAX_PARALLEL) return value;
  throw new UsageError(
    `--parallel must be a whole number from 1 to ${MAX_PARALLEL}; got ${JSON.stringify(text.slice(0, 40))}.`,
  );
}
