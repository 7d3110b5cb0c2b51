import { randomBytes } from "node:crypto";
import type { protos } from "@google-cloud/run";
import { UserError } from "../errors.ts";
import { explainRunFailure } from "../gcp/run-api-failure.ts";
import { getService, upsertService } from "../gcp/run-service.ts";
import { withoutOutputOnly } from "../gcp/service-spec.ts";
import {
  candidateSplit,
  currentSplit,
  describeSplit,
  followsLatest,
  latestTraffic,
  previousRevision,
  promotedSplit,
  revisionTagged,
  type SplitEntry,
  sameSplit,
  shortRevision,
  splitWithoutTag,
  tagUrl,
  trafficOf,
} from "../gcp/traffic.ts";
import type { CloudRunRollout } from "../inputs/cloud-run-rollout.ts";
import type { StepContext } from "../step-context.ts";
import type { CloudRunDeployInputs, CloudRunDeployResult, CloudRunDeployTools } from "./cloud-run-deploy.ts";
import { serviceCall } from "./cloud-run-service-call.ts";

type Service = protos.google.cloud.run.v2.IService;
type TrafficTarget = protos.google.cloud.run.v2.ITrafficTarget;

/** Where a rollout left the service: the outputs promoted, rolled-back, previous-revision, tag-url, traffic. */
export interface RolloutOutcome {
  /** The revision now has the traffic asked for (false: deployed, waiting for its verification). */
  promoted: boolean;
  /**
   * This run's revision failed its smoke test and what served before still serves: the traffic stayed
   * on the previous revision (the candidate's tag removed), or the service this run created was deleted.
   */
  rolledBack: boolean;
  previousRevision: string;
  revision: string;
  /** The candidate's own URL while it is tagged ("" once it serves on the main URL). */
  tagUrl: string;
  /** The resulting split: rev-a=90,rev-b=10. */
  traffic: string;
  /** The revision still to verify and promote (undefined: nothing pending), and its tag. */
  candidate?: string;
  tag?: string;
}

/** What a deploy sends for its rollout: the new revision's name and the traffic block. */
export interface RolloutPlan {
  /** The revision to verify: the new one, or the latest one still short of its traffic. */
  candidate?: string;
  /** Set on the template: a name for the new revision, "" to let Cloud Run name it. */
  revisionName?: string;
  split?: SplitEntry[];
  /** Direct: the traffic block that unpins an earlier verified rollout's (all to the latest revision). */
  traffic?: TrafficTarget[];
  /** A change that is only the traffic block (tagging a revision again), for the deploy's change list. */
  change?: string;
  previous: string;
}

// Cloud Run's default rollout (no traffic block, or LATEST) gives a new revision the traffic as soon as it
// is ready; verify-then-promote pins the traffic to the revisions serving it now, and names the new
// revision itself so the same call can tag it (as gcloud run deploy --no-traffic --tag does):
// https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration
export function planRollout(
  existing: Service | undefined,
  changes: string[],
  rollout: CloudRunRollout | undefined,
  serviceId: string,
): RolloutPlan {
  const current = existing ? currentSplit(existing) : [];
  const previous = previousRevision(current);
  const fresh = () =>
    `${serviceId}-${rollout?.revisionSuffix ?? `${rollout?.tag}-${randomBytes(2).toString("hex").slice(0, 3)}`}`;
  if (rollout?.mode !== "verify-then-promote") {
    // Direct: the new revision serves once ready. Traffic an earlier verified rollout pinned by revision
    // name would keep serving the old one, so it goes back to the latest revision; with nothing new to
    // deploy that is a change only while the latest revision serves less than all of it.
    const latest = shortRevision(existing?.latestReadyRevision);
    const unpin =
      existing !== undefined &&
      !followsLatest(existing) &&
      (changes.length > 0 || shareOf(current, latest) < 100);
    const traffic = unpin
      ? {
          traffic: latestTraffic(existing),
          change: `traffic (pinned to ${describeSplit(current)}, now to the latest revision)`,
        }
      : {};
    if (changes.length === 0) return { previous, ...traffic };
    // A name left from an earlier verified rollout must not be sent again with a new template.
    return {
      revisionName: rollout?.revisionSuffix ? `${serviceId}-${rollout.revisionSuffix}` : "",
      previous,
      ...traffic,
    };
  }
  const { tag } = rollout;
  if (!existing) {
    // A first deploy has no revision to keep the traffic on: the new one is created serving, tagged.
    const name = fresh();
    return { candidate: name, revisionName: name, split: [{ revision: name, percent: 100, tag }], previous };
  }
  if (changes.length > 0) {
    const name = fresh();
    return { candidate: name, revisionName: name, split: candidateSplit(current, name, tag), previous };
  }
  // Nothing new to deploy: the latest revision is this source's. Pending while short of its traffic (a
  // canary to finish, or one that failed its checks before): verify it again under its tag.
  const latest = shortRevision(existing.latestReadyRevision);
  const serving = shareOf(current, latest);
  const target = rollout.traffic === 0 ? 100 : rollout.traffic;
  if (!latest || serving >= target) return { previous: previousRevision(current, latest) };
  const tagged = current.some((entry) => entry.revision === latest && entry.tag === tag);
  const plan: RolloutPlan = { candidate: latest, previous: previousRevision(current, latest) };
  if (tagged) return plan;
  return {
    ...plan,
    split: candidateSplit(current, latest, tag),
    change: `traffic (tag ${tag} on ${latest})`,
  };
}

/** The percent of the traffic `revision` serves. */
function shareOf(split: SplitEntry[], revision: string): number {
  return split.filter((entry) => entry.revision === revision).reduce((sum, entry) => sum + entry.percent, 0);
}

/** The deploy's service with the plan's revision name and traffic block. */
export function withRollout(service: Service, plan: RolloutPlan): Service {
  const template = { ...(service.template ?? {}) };
  if (plan.revisionName !== undefined) template.revision = plan.revisionName;
  const traffic = plan.split ? trafficOf(plan.split) : plan.traffic;
  return { ...service, template, ...(traffic ? { traffic } : {}) };
}

/** The outcome of a deploy, read back from the service it left; says where a candidate can be checked. */
export function deployOutcome(
  deployed: Service | undefined,
  plan: RolloutPlan,
  tag: string | undefined,
  logger?: Pick<StepContext["logger"], "info">,
): RolloutOutcome {
  const revision = plan.candidate ?? shortRevision(deployed?.latestReadyRevision);
  const url = (plan.candidate && tag && deployed && tagUrl(deployed, tag)) || "";
  const traffic = deployed ? describeSplit(currentSplit(deployed)) : "";
  if (plan.candidate) {
    logger?.info(`Revision ${revision} is tagged ${tag} (${url}); the traffic stays ${traffic}.`);
  }
  return {
    promoted: plan.candidate === undefined,
    rolledBack: false,
    previousRevision: plan.previous,
    revision,
    tagUrl: url,
    traffic,
    ...(plan.candidate && tag ? { candidate: plan.candidate, tag } : {}),
  };
}

/**
 * Moves traffic to a verified revision (`promote`: rollout.traffic percent, the rest left where it
 * was), or takes the tag off one that failed (`discard`: no percent changes). Only the traffic block
 * changes, so Cloud Run makes no new revision; a split already as asked makes no call.
 */
export async function moveTraffic(
  inputs: CloudRunDeployInputs,
  ctx: StepContext,
  tools: CloudRunDeployTools,
  action: { kind: "promote" | "discard"; revision?: string },
): Promise<RolloutOutcome & { url: string; changed: boolean }> {
  const rollout = inputs.rollout;
  if (!rollout) throw new Error("moveTraffic needs the rollout inputs");
  const { serviceId, name, client, call: where } = serviceCall(inputs, ctx, tools);
  const call = { ...where, action: `move the traffic of service ${serviceId}` };
  try {
    const existing = await getService(client, name, ctx.signal).catch((error: unknown) => {
      throw explainRunFailure(error, call);
    });
    if (!existing) {
      throw new UserError(
        `service ${serviceId} does not exist in ${inputs.region}: deploy it (rollout: verify-then-promote) before promoting a revision.`,
      );
    }
    const revision = action.revision ?? revisionTagged(existing, rollout.tag);
    if (!revision) {
      throw new UserError(
        `tag ${JSON.stringify(rollout.tag)} is on no revision of service ${serviceId}: deploy with rollout: verify-then-promote and the same tag first (or set tag to the one that deploy used).`,
      );
    }
    const current = currentSplit(existing);
    const next =
      action.kind === "promote"
        ? promotedSplit(current, revision, rollout.traffic === 0 ? 100 : rollout.traffic, rollout.tag)
        : splitWithoutTag(current, rollout.tag);
    const changed = !sameSplit(current, next);
    if (changed) {
      ctx.logger.info(
        `Traffic of ${serviceId}: ${describeSplit(current) || "none"} -> ${describeSplit(next)}.`,
      );
      // Only the traffic changes: no revision starts, so Cloud Run's operation ends quickly; the split
      // sent is the split that serves once it is done (no second read).
      await upsertService(
        client,
        { ...withoutOutputOnly(existing), traffic: trafficOf(next) },
        {
          wait: true,
          waitMs: 20 * 60_000,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          progress: ctx.logger,
        },
      ).catch((error: unknown) => {
        throw explainRunFailure(error, call);
      });
    } else {
      ctx.logger.info(`Traffic of ${serviceId} is already ${describeSplit(current)}: not changed.`);
    }
    const serving = next
      .filter((entry) => entry.revision === revision)
      .reduce((sum, e) => sum + e.percent, 0);
    const stillTagged = next.some((entry) => entry.revision === revision && entry.tag === rollout.tag);
    const previous = previousRevision(current, revision);
    return {
      url: existing.uri ?? "",
      changed,
      promoted: action.kind === "promote" && serving > 0,
      // A discarded revision that a canary had already given a share still serves it: not rolled back.
      rolledBack: action.kind === "discard" && serving === 0 && !stillTagged && previous !== "",
      previousRevision: previous,
      revision,
      // The tag keeps its URL while it stays (a canary): the one Cloud Run reported for it.
      tagUrl: (stillTagged && tagUrl(existing, rollout.tag)) || "",
      traffic: describeSplit(next),
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** cloud-run-deploy with rollout: promote: the revision holding the tag gets the traffic. */
export async function cloudRunPromote(
  inputs: CloudRunDeployInputs,
  ctx: StepContext,
  tools: CloudRunDeployTools,
): Promise<CloudRunDeployResult> {
  const moved = await moveTraffic(inputs, ctx, tools, { kind: "promote" });
  const { url, changed, ...rollout } = moved;
  return {
    url,
    revision: moved.revision,
    changed,
    serviceChanges: changed ? ["traffic"] : [],
    invokersAdded: [],
    publicMembersRemoved: [],
    rollout,
  };
}
