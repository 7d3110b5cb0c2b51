import type { HttpTriggerSpec } from "../alibaba/http-trigger.ts";
import type { FcFunction } from "../alibaba/sdk.ts";
import type { TriggersApi } from "../alibaba/triggers-api.ts";
import { type AliasTarget, aliasTarget, sameTarget, type VersionsApi } from "../alibaba/versions-api.ts";
import type { StepContext } from "../step-context.ts";
import { ensureHttpTrigger } from "./fc-http-trigger.ts";

/**
 * verify-then-promote: publish a version, prove it through a trigger bound to that version, then point
 * the alias (which the public trigger follows) at it; a version that fails leaves the alias where it was.
 * direct: the trigger runs LATEST, as soon as it is updated.
 */
export type RolloutMode = "verify-then-promote" | "direct";

export interface FcRolloutInputs {
  mode: RolloutMode;
  /** The alias the public trigger follows. */
  alias: string;
  /** The share of invocations, 1-100, the new version takes; under 100 it is a canary beside the old one. */
  traffic: number;
}

/** A published version waiting for its proof, and how to promote it once proven. */
export interface PendingRollout {
  version: string;
  /** The version the alias served before this run ("" when there was no alias). */
  previousVersion: string;
  /** The alias already sends traffic as asked: nothing to verify or promote. */
  upToDate: boolean;
  /** The candidate trigger's URL: the new version, behind the same authentication. */
  candidateUrl?: string;
  /** Points the alias at the version (or gives it its canary share) and the public trigger at the alias. */
  promote(ctx: StepContext): Promise<{ url: string; triggerChanges: string[] }>;
  /**
   * After a failed check: deletes the candidate trigger, so the version that failed is not left
   * answering on a URL of its own.
   */
  retire(ctx: StepContext): Promise<void>;
}

interface RolloutPlan {
  versions: VersionsApi;
  triggers: TriggersApi;
  functionName: string;
  trigger: HttpTriggerSpec;
  rollout: FcRolloutInputs;
  /** The function as it is now (Active), to tell whether its newest version still matches it. */
  active: FcFunction;
  explained: <T>(operation: string, call: () => Promise<T>) => Promise<T>;
}

/** Publishes a version when the function differs from its newest, and binds a candidate trigger to it. */
export async function prepareRollout(plan: RolloutPlan, ctx: StepContext): Promise<PendingRollout> {
  const { versions, functionName, rollout, explained } = plan;
  const alias = await explained("GetAlias", () => versions.getAlias(functionName, rollout.alias));
  const current = alias ? aliasTarget(alias) : undefined;
  const newest = await explained("ListFunctionVersions", () => versions.newestVersion(functionName));
  let version = newest?.versionId;
  if (!newest || !version || modifiedSince(plan.active, newest.createdTime)) {
    const published = await explained("PublishFunctionVersion", () =>
      versions.publish(functionName, "fngate rollout"),
    );
    version = published.versionId ?? "";
    ctx.logger.info(`Published version ${version} of ${functionName}.`);
  } else {
    ctx.logger.info(`Version ${version} of ${functionName} matches the function: no new version.`);
  }
  const wanted = wantedTarget(current, version, rollout.traffic);
  const previousVersion = current?.versionId ?? "";
  const promote = (promoteCtx: StepContext) => promoteVersion(plan, alias !== undefined, wanted, promoteCtx);
  const candidateName = candidateTriggerName(plan.trigger.name);
  // A failure to delete is a warning: the check's failure is what the step reports.
  const retire = async (retireCtx: StepContext) => {
    try {
      await explained("DeleteTrigger", () => plan.triggers.deleteTrigger(functionName, candidateName));
      retireCtx.logger.info(`Deleted trigger ${candidateName}: version ${version} no longer answers on it.`);
    } catch (error) {
      retireCtx.logger.warning(
        `Version ${version} still answers on trigger ${candidateName}: deleting it failed (${error instanceof Error ? error.message : String(error)}); delete it by hand.`,
      );
    }
  };
  if (current && sameTarget(current, wanted)) {
    ctx.logger.info(`Alias ${rollout.alias} already serves ${describeTarget(wanted)}: nothing to promote.`);
    return { version, previousVersion, upToDate: true, promote, retire };
  }
  const candidate = await ensureHttpTrigger(
    plan.triggers,
    functionName,
    { ...plan.trigger, name: candidateName, qualifier: version },
    ctx,
    explained,
  );
  return { version, previousVersion, upToDate: false, candidateUrl: candidate.url, promote, retire };
}

/** The candidate trigger's name: the public one's, marked. */
export function candidateTriggerName(name: string): string {
  return `${name.slice(0, 118)}-candidate`;
}

/**
 * Where the alias should send invocations: all to the new version, or (traffic under 100, with an
 * alias serving another version) the new version as a canary beside the one it serves.
 */
export function wantedTarget(
  current: AliasTarget | undefined,
  version: string,
  traffic: number,
): AliasTarget {
  if (!current || traffic >= 100 || current.versionId === version) return { versionId: version };
  return { versionId: current.versionId, canary: { versionId: version, weight: traffic / 100 } };
}

async function promoteVersion(
  plan: RolloutPlan,
  aliasExists: boolean,
  wanted: AliasTarget,
  ctx: StepContext,
): Promise<{ url: string; triggerChanges: string[] }> {
  const { versions, functionName, rollout, explained } = plan;
  const held = aliasExists
    ? await explained("GetAlias", () => versions.getAlias(functionName, rollout.alias))
    : undefined;
  if (!held) {
    await explained("CreateAlias", () => versions.createAlias(functionName, rollout.alias, wanted));
    ctx.logger.info(`Created alias ${rollout.alias}: ${describeTarget(wanted)}.`);
  } else if (!sameTarget(aliasTarget(held), wanted)) {
    await explained("UpdateAlias", () => versions.updateAlias(functionName, rollout.alias, wanted));
    ctx.logger.info(`Alias ${rollout.alias} now serves ${describeTarget(wanted)}.`);
  }
  const kept = await ensureHttpTrigger(
    plan.triggers,
    functionName,
    { ...plan.trigger, qualifier: rollout.alias },
    ctx,
    explained,
  );
  return { url: kept.url, triggerChanges: kept.changes };
}

export function describeTarget(target: AliasTarget): string {
  if (!target.canary) return `version ${target.versionId}`;
  const share = Math.round(target.canary.weight * 100);
  return `version ${target.versionId} (${100 - share}%) and version ${target.canary.versionId} (${share}%, canary)`;
}

/** Whether the function changed after a version was published (so the version is not what runs now). */
function modifiedSince(active: FcFunction, createdTime: string | undefined): boolean {
  const modified = Date.parse(active.lastModifiedTime ?? "");
  const created = Date.parse(createdTime ?? "");
  return Number.isNaN(modified) || Number.isNaN(created) || modified > created;
}
