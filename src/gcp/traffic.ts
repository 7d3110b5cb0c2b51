import type { protos } from "@google-cloud/run";

// Cloud Run's traffic block (Service.traffic, TrafficTarget in traffic_target.proto): each entry sends a
// percent to one revision (type REVISION) or to whatever revision is latest (type LATEST), and may carry
// a tag, which gives that revision its own URL (trafficStatuses[].uri). The decisions here are pure:
// they turn the service as read into the traffic block the next call sends.

type Service = protos.google.cloud.run.v2.IService;
type TrafficTarget = protos.google.cloud.run.v2.ITrafficTarget;

const LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST" as const;
const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const;

/** One entry of a split, by the revision's short name (as TrafficTarget.revision takes it). */
export interface SplitEntry {
  revision: string;
  percent: number;
  tag?: string;
}

/** The last segment of a revision's resource name (projects/…/revisions/NAME). */
export function shortRevision(name: string | null | undefined): string {
  return (name ?? "").split("/").pop() ?? "";
}

/**
 * The service's traffic as concrete revisions: LATEST entries (and an empty block, which Cloud Run reads
 * as 100% to the latest ready revision) are pinned to the revision serving them now, so that deploying a
 * new revision does not move them.
 */
export function currentSplit(service: Service): SplitEntry[] {
  const latest = shortRevision(service.latestReadyRevision);
  const traffic = service.traffic ?? [];
  if (traffic.length === 0) return latest ? [{ revision: latest, percent: 100 }] : [];
  const entries: SplitEntry[] = [];
  for (const target of traffic) {
    const revision = isLatest(target) ? latest : (target.revision ?? "");
    if (!revision) continue;
    entries.push({ revision, percent: target.percent ?? 0, ...(target.tag ? { tag: target.tag } : {}) });
  }
  return merged(entries);
}

/** The revision that serves most of the traffic, other than `except`: the one a rollout falls back to. */
export function previousRevision(split: SplitEntry[], except?: string): string {
  const others = split.filter((entry) => entry.revision !== except && entry.percent > 0);
  others.sort((a, b) => b.percent - a.percent);
  return others[0]?.revision ?? "";
}

/** The candidate tagged with no traffic; everything else as it serves now (a tag of that name moves). */
export function candidateSplit(current: SplitEntry[], candidate: string, tag: string): SplitEntry[] {
  const kept = current
    .filter((entry) => entry.revision !== candidate)
    .map((entry) => withoutTagNamed(entry, tag))
    .filter((entry) => entry.percent > 0 || entry.tag);
  const existing = current.find((entry) => entry.revision === candidate);
  return [...kept, { revision: candidate, percent: existing?.percent ?? 0, tag }];
}

/**
 * The candidate given `percent`; the rest of the traffic stays where it was, scaled down in proportion
 * (largest remainder, so the split still sums to 100). At 100 the candidate's tag is dropped: it
 * serves on the main URL; below 100 (a canary) it keeps the tag, so a later run can verify it again.
 */
export function promotedSplit(
  current: SplitEntry[],
  candidate: string,
  percent: number,
  tag: string,
): SplitEntry[] {
  const others = current.filter((entry) => entry.revision !== candidate);
  const rest = 100 - percent;
  const total = others.reduce((sum, entry) => sum + entry.percent, 0);
  const exact = others.map((entry) => (total === 0 ? 0 : (entry.percent * rest) / total));
  const shares = exact.map(Math.floor);
  let left = (total === 0 ? 0 : rest) - shares.reduce((sum, share) => sum + share, 0);
  const order = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) }));
  order.sort((a, b) => b.remainder - a.remainder);
  for (const { index } of order) {
    if (left <= 0) break;
    shares[index] = (shares[index] ?? 0) + 1;
    left--;
  }
  const scaled = others
    .map((entry, index) => ({ ...withoutTagNamed(entry, tag), percent: shares[index] ?? 0 }))
    .filter((entry) => entry.percent > 0 || entry.tag);
  // With nothing else serving (a first deploy), the candidate takes it all.
  const mine = total === 0 ? 100 : percent;
  return [...scaled, { revision: candidate, percent: mine, ...(mine < 100 ? { tag } : {}) }];
}

/** The split with the tag `tag` taken off (percents unchanged): a candidate that failed its checks. */
export function splitWithoutTag(current: SplitEntry[], tag: string): SplitEntry[] {
  return current
    .map((entry) => withoutTagNamed(entry, tag))
    .filter((entry) => entry.percent > 0 || entry.tag);
}

/** The traffic block to send for a split (every entry by revision, never LATEST). */
export function trafficOf(split: SplitEntry[]): TrafficTarget[] {
  return split.map((entry) => ({
    type: REVISION,
    revision: entry.revision,
    percent: entry.percent,
    ...(entry.tag ? { tag: entry.tag } : {}),
  }));
}

/** True when both splits send the same percents to the same revisions with the same tags. */
export function sameSplit(a: SplitEntry[], b: SplitEntry[]): boolean {
  const key = (split: SplitEntry[]) =>
    split
      .map((entry) => `${entry.revision}=${entry.percent}#${entry.tag ?? ""}`)
      .sort()
      .join(",");
  return key(a) === key(b);
}

/**
 * True when no revision is pinned: every entry with traffic follows the latest revision (type LATEST),
 * or there is no traffic block. Otherwise a new revision gets no traffic when it is ready: a verified
 * rollout (or `gcloud run deploy --no-traffic`) leaves the traffic pinned by revision name.
 * https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration
 */
export function followsLatest(service: Service): boolean {
  return (service.traffic ?? []).every((target) => isLatest(target) || (target.percent ?? 0) === 0);
}

/** All the traffic to the latest revision, as Cloud Run's default rollout sends it; every tag stays on its revision. */
export function latestTraffic(service: Service): TrafficTarget[] {
  const tagged = currentSplit(service).filter((entry) => entry.tag);
  return [{ type: LATEST, percent: 100 }, ...trafficOf(tagged.map((entry) => ({ ...entry, percent: 0 })))];
}

/** The split as the traffic output shows it: rev-a=90,rev-b=10 (revisions with traffic only). */
export function describeSplit(split: SplitEntry[]): string {
  return split
    .filter((entry) => entry.percent > 0)
    .map((entry) => `${entry.revision}=${entry.percent}`)
    .join(",");
}

/** The revision a tag points at, from the service's traffic. */
export function revisionTagged(service: Service, tag: string): string | undefined {
  return currentSplit(service).find((entry) => entry.tag === tag)?.revision;
}

/** The tag's own URL, as Cloud Run reports it in trafficStatuses. */
export function tagUrl(service: Service, tag: string): string | undefined {
  return (service.trafficStatuses ?? []).find((status) => status.tag === tag)?.uri ?? undefined;
}

function isLatest(target: TrafficTarget): boolean {
  return target.type === LATEST || (target.type as unknown) === 1;
}

function withoutTagNamed(entry: SplitEntry, tag: string): SplitEntry {
  if (entry.tag !== tag) return entry;
  const { tag: _dropped, ...rest } = entry;
  return rest;
}

/**
 * One traffic-carrying entry per revision: percents to the same revision are added up; a second tag on
 * a revision stays as its own entry with no traffic, so no tag set elsewhere is dropped.
 */
function merged(entries: SplitEntry[]): SplitEntry[] {
  const byRevision = new Map<string, SplitEntry>();
  const extraTags: SplitEntry[] = [];
  for (const entry of entries) {
    const seen = byRevision.get(entry.revision);
    if (!seen) byRevision.set(entry.revision, { ...entry });
    else {
      seen.percent += entry.percent;
      if (!seen.tag && entry.tag) seen.tag = entry.tag;
      else if (entry.tag && entry.tag !== seen.tag)
        extraTags.push({ revision: entry.revision, percent: 0, tag: entry.tag });
    }
  }
  return [...byRevision.values(), ...extraTags];
}
