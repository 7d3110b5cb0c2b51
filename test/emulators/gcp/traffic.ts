// Cloud Run revisions and traffic, as the Admin API v2 documents them:
// - A write whose revision template differs from the latest revision's makes a new revision, named by
//   template.revision when given (it must start with the service's name; a name in use is refused) and
//   generated otherwise; a write that changes only the traffic makes none.
//   https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services#RevisionTemplate
//   https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration
// - Service.traffic: TrafficTarget entries (type LATEST or REVISION, revision, percent, tag); empty means
//   100% to the latest ready revision; percents must add up to 100; a REVISION entry names an existing
//   revision; tags are unique, and each tag gets its own URL, https://TAG---<service host>, reported in
//   trafficStatuses[].uri. https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services#TrafficTarget
//   https://docs.cloud.google.com/dotnet/docs/reference/Google.Cloud.Run.V2/latest/Google.Cloud.Run.V2.TrafficTarget
//   Tag rules as Cloud Run answers them: at least 3 characters
//   (https://github.com/PolicyEngine/policyengine-sim-api/issues/656), and TAG plus the service's name at
//   most 46 (https://github.com/PolicyEngine/policyengine-api/issues/3729).
// - The main URL serves the split; a tag's URL serves its revision only, whatever its percent
//   (https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration, "tags").
import type { Json } from "../json.ts";
import type { RevisionRecord, ServiceRecord } from "./state.ts";

const LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST";
const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";
const TAG = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const REVISION_NAME = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/** What a service write leaves: its revisions, the latest one, and the traffic with its statuses. */
export interface RevisedService {
  revisions: RevisionRecord[];
  /** The latest revision's short name. */
  latest: string;
  traffic: Json[];
  trafficStatuses: Json[];
}

export interface TrafficRefusal {
  status: 400 | 409;
  message: string;
  reason?: string;
}

/**
 * The revisions and traffic after a write of `stored` (the body with Cloud Run's defaults) to the
 * service `id`, or why Cloud Run refuses it. `uri` is the service's main URL.
 */
export function reviseService(
  existing: ServiceRecord | undefined,
  stored: Json,
  id: string,
  uri: string,
  randomSuffix: () => string,
): RevisedService | TrafficRefusal {
  const revisions = [...(existing?.revisionList ?? [])];
  const template = (stored.template ?? {}) as Json;
  const wanted = typeof template.revision === "string" ? template.revision : "";
  const last = revisions.at(-1);
  let latest = last?.name ?? "";
  if (!last || (wanted !== "" && wanted !== last.name) || canonical(last.template) !== canonical(template)) {
    if (wanted !== "") {
      if (!wanted.startsWith(`${id}-`) || !REVISION_NAME.test(wanted))
        return {
          status: 400,
          message: `template.revision: Revision name must be prefixed by the name of the enclosing Service or Configuration (${id}-), and be a DNS label of at most 63 characters: ${wanted}.`,
        };
      if (revisions.some((revision) => revision.name === wanted))
        return {
          status: 409,
          reason: "ALREADY_EXISTS",
          message: `Revision named '${wanted}' with different configuration already exists.`,
        };
    }
    latest = wanted || `${id}-${String(revisions.length + 1).padStart(5, "0")}-${randomSuffix()}`;
    const containers = (template.containers ?? []) as Json[];
    revisions.push({
      name: latest,
      image: String(containers[0]?.image ?? ""),
      template: structuredClone(template),
    });
  }
  // Answered as the API answers: fields left at their proto default ("" revision or tag) are omitted.
  const traffic = ((stored.traffic ?? []) as Json[]).map((target) =>
    Object.fromEntries(Object.entries(target).filter(([, value]) => value !== "" && value !== undefined)),
  );
  const refusal = trafficRefusal(traffic, revisions, id);
  if (refusal) return refusal;
  const host = uri.replace(/^.*\//, "");
  const base = uri.slice(0, uri.length - host.length);
  const trafficStatuses = traffic.map((target) => ({
    type: target.type,
    ...(target.type === REVISION ? { revision: target.revision } : {}),
    percent: target.percent ?? 0,
    ...(target.tag ? { tag: target.tag, uri: `${base}${target.tag}---${host}` } : {}),
  }));
  return { revisions, latest, traffic, trafficStatuses };
}

function trafficRefusal(
  traffic: Json[],
  revisions: RevisionRecord[],
  id: string,
): TrafficRefusal | undefined {
  const refuse = (message: string): TrafficRefusal => ({ status: 400, message: `spec.traffic: ${message}` });
  const tags = new Set<string>();
  let total = 0;
  for (const target of traffic) {
    const percent = target.percent ?? 0;
    if (typeof percent !== "number" || !Number.isInteger(percent) || percent < 0 || percent > 100)
      return refuse(`Traffic percent must be between 0 and 100, got ${String(percent)}.`);
    total += percent;
    if (target.type === REVISION) {
      if (!revisions.some((revision) => revision.name === target.revision))
        return refuse(`Revision '${String(target.revision)}' referenced in traffic not found.`);
    } else if (target.type === LATEST) {
      if (target.revision) return refuse("A LATEST traffic target must not name a revision.");
    } else return refuse(`Traffic target type must be LATEST or REVISION, got ${String(target.type)}.`);
    const tag = target.tag;
    if (tag !== undefined && tag !== "") {
      const text = String(tag);
      if (!TAG.test(text) || text.length < 3)
        return refuse(
          `Invalid traffic tag '${text}': must be at least 3 lowercase letters, digits or '-', start with a letter and end with a letter or digit.`,
        );
      if (text.length + id.length > 46)
        return refuse(
          `traffic tag '${text}' and service name '${id}' together are too long. Combined traffic tag and service name cannot exceed 46 characters.`,
        );
      if (tags.has(text)) return refuse(`Duplicate traffic tag '${text}'.`);
      tags.add(text);
    }
  }
  if (total !== 100) return refuse(`Traffic percents must add up to 100, got ${total}.`);
  return undefined;
}

/** The revision a request to the service reaches: by its tag, or by the split (`turn` counts requests). */
export function revisionServing(
  service: ServiceRecord,
  tag: string | undefined,
  turn: number,
): RevisionRecord | undefined {
  const revisions = service.revisionList ?? [];
  const latest = revisions.at(-1);
  const nameOf = (target: Json) => (target.type === LATEST ? latest?.name : String(target.revision));
  const traffic = (service.body.traffic ?? []) as Json[];
  if (tag !== undefined) {
    const target = traffic.find((entry) => entry.tag === tag);
    return target ? revisions.find((revision) => revision.name === nameOf(target)) : undefined;
  }
  // Deterministic stand-in for Cloud Run's weighted routing: of every 100 requests, each target gets its percent.
  let point = turn % 100;
  for (const target of traffic) {
    const percent = Number(target.percent ?? 0);
    if (point < percent) return revisions.find((revision) => revision.name === nameOf(target));
    point -= percent;
  }
  return latest;
}

/**
 * The template as compared between writes: its revision name aside, keys in a stable order, and proto3
 * default values ("", 0, false, empty lists and maps) left out, since a client that read the service
 * back sends them explicitly and they mean the same as unset.
 */
function canonical(template: Json): string {
  const { revision: _name, ...rest } = template;
  return JSON.stringify(meaningful(rest) ?? {});
}

function meaningful(value: unknown): unknown {
  if (value === "" || value === 0 || value === false || value === null || value === undefined)
    return undefined;
  if (Array.isArray(value))
    return value.length === 0 ? undefined : value.map((item) => meaningful(item) ?? {});
  if (typeof value !== "object") return value;
  const entries = Object.keys(value)
    .sort()
    .map((key) => [key, meaningful((value as Json)[key])] as const)
    .filter(([, item]) => item !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}
