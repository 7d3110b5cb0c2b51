import { UserError } from "../errors.ts";
import { isServiceName } from "../gcp/deploy-checks.ts";
import type { InputHost } from "./input-host.ts";
import type { InputReader } from "./reader.ts";

/**
 * How a Cloud Run deploy reaches its callers:
 * - direct: the new revision takes the traffic as soon as it is ready (the service's traffic block as it is);
 * - verify-then-promote: the new revision is deployed tagged and with no traffic; the pipeline smoke-tests
 *   its tag URL and only then moves traffic to it (cloud-run-deploy on its own stops after the deploy);
 * - promote (cloud-run-deploy only): moves traffic to the revision holding the tag, no new revision.
 */
export type RolloutMode = "direct" | "verify-then-promote" | "promote";

export interface CloudRunRollout {
  mode: RolloutMode;
  /** The candidate's traffic tag: its URL is https://TAG---<the service's host>. */
  tag: string;
  /** The percent the revision gets when promoted (100, or a canary share). */
  traffic: number;
  /** Names the new revision SERVICE-SUFFIX (generated from the tag when unset). */
  revisionSuffix?: string;
}

// Cloud Run refuses a tag that is not a DNS label part, shorter than 3 characters, or that makes
// TAG---SERVICE longer than 46 characters ("Combined traffic tag and service name cannot exceed 46
// characters", https://github.com/PolicyEngine/policyengine-api/issues/3729; "revision tags must
// contain at least three characters", https://github.com/PolicyEngine/policyengine-sim-api/issues/656).
const TAG = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const TAG_AND_SERVICE_MAX = 46;
const TAG_MIN = 3;
// A revision name is SERVICE-SUFFIX, a DNS label of at most 63 characters (RevisionTemplate.revision).
const SUFFIX = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const REVISION_MAX = 63;

/** rollout, tag, traffic and revision-suffix; `pipeline` is cloud-run-pipeline's reading (it verifies). */
export function readCloudRunRollout(
  read: InputReader,
  host: InputHost,
  options: { pipeline: boolean; service: string },
): CloudRunRollout {
  // A service name Cloud Run would refuse is reported by its own check; the tag's room is then not
  // measured against it (nor is it quoted here, however long it is).
  const given = options.service.trim();
  const service = isServiceName(given) ? given : "";
  const mode = read.field("rollout", () =>
    rolloutMode(read.optional("rollout") ?? (options.pipeline ? "verify-then-promote" : "direct"), options),
  );
  const trafficText = read.optional("traffic");
  const traffic = read.field(["traffic", "rollout"], () =>
    trafficPercent(trafficText, mode, options.pipeline),
  );
  const tagText = read.optional("tag");
  const tag = read.field("tag", () =>
    tagText === undefined ? defaultTag(host, service) : checkTag(tagText.trim(), service),
  );
  const suffixText = read.optional("revision-suffix");
  const revisionSuffix = read.field("revision-suffix", () =>
    suffixText === undefined ? undefined : checkSuffix(suffixText.trim(), service),
  );
  // cloud-run-deploy: traffic 0 asks for a candidate that takes no traffic, as verify-then-promote does.
  const effective: RolloutMode =
    mode === "direct" && trafficText?.trim() === "0" ? "verify-then-promote" : mode;
  return {
    mode: effective,
    tag,
    traffic: effective === "verify-then-promote" && !options.pipeline ? 0 : traffic,
    ...(revisionSuffix === undefined ? {} : { revisionSuffix }),
  };
}

function rolloutMode(value: string, options: { pipeline: boolean }): RolloutMode {
  const text = value.trim();
  const allowed = options.pipeline
    ? ["verify-then-promote", "direct"]
    : ["direct", "verify-then-promote", "promote"];
  if (!allowed.includes(text)) {
    throw new UserError(
      `rollout must be ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)} (got ${JSON.stringify(text)}): verify-then-promote smoke-tests a revision before it takes traffic, direct gives it the traffic at once.`,
    );
  }
  return text as RolloutMode;
}

function trafficPercent(given: string | undefined, mode: RolloutMode, pipeline: boolean): number {
  if (given === undefined) return 100;
  const text = given.trim();
  const lowest = pipeline ? 1 : 0;
  const percent = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(percent >= lowest && percent <= 100)) {
    throw new UserError(
      `traffic must be a whole percent from ${lowest} to 100 (got ${JSON.stringify(text)}): 100 moves all traffic to the new revision, 10 gives it a 10% canary share${pipeline ? "" : ", 0 deploys it tagged with no traffic"}.`,
    );
  }
  if (mode === "direct" && percent !== 100 && !(percent === 0 && !pipeline)) {
    throw new UserError(
      `traffic is ${percent} but rollout is direct, which sends all traffic to the new revision: set rollout: ${pipeline ? "verify-then-promote" : "promote"} for a canary share, or drop traffic.`,
    );
  }
  if (mode === "verify-then-promote" && !pipeline && percent !== 0 && percent !== 100) {
    throw new UserError(
      `traffic is ${percent} but cloud-run-deploy with rollout verify-then-promote deploys the revision with no traffic: give traffic to a later cloud-run-deploy step with rollout: promote, or use cloud-run-pipeline.`,
    );
  }
  return percent;
}

function checkTag(tag: string, service: string): string {
  if (!TAG.test(tag) || tag.length < TAG_MIN) {
    throw new UserError(
      `tag ${JSON.stringify(tag)} is not a Cloud Run traffic tag: use at least ${TAG_MIN} lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen (e.g. candidate).`,
    );
  }
  if (tag.length + service.length > TAG_AND_SERVICE_MAX) {
    throw new UserError(
      `tag ${JSON.stringify(tag)} is too long for service ${JSON.stringify(service)}: Cloud Run allows at most ${TAG_AND_SERVICE_MAX} characters for the tag and the service name together; use a tag of at most ${Math.max(TAG_AND_SERVICE_MAX - service.length, 0)} characters.`,
    );
  }
  return tag;
}

/** sha-<commit> when the commit is known, else run-<run label>, else candidate; cut to fit the service name. */
function defaultTag(host: InputHost, service: string): string {
  const sha = host.gitSha
    ?.trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
  const run = host.defaultRunLabel
    ?.toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+$/, "");
  const wanted = sha ? `sha-${sha.slice(0, 7)}` : run ? `run-${run}` : "candidate";
  const room = TAG_AND_SERVICE_MAX - service.length;
  const tag = wanted.slice(0, room).replace(/-+$/, "");
  if (tag.length < TAG_MIN) {
    throw new UserError(
      `service ${JSON.stringify(service)} leaves no room for a traffic tag (Cloud Run allows ${TAG_AND_SERVICE_MAX} characters for the tag and the service name together): use a shorter service name, or set rollout: direct.`,
    );
  }
  return tag;
}

function checkSuffix(suffix: string, service: string): string {
  if (!SUFFIX.test(suffix) || service.length + 1 + suffix.length > REVISION_MAX) {
    throw new UserError(
      `revision-suffix ${JSON.stringify(suffix)} does not make a revision name: use lowercase letters, digits and hyphens (not at either end), at most ${Math.max(REVISION_MAX - service.length - 1, 0)} characters with this service name.`,
    );
  }
  return suffix;
}
