import { parse } from "yaml";
import { UserError } from "../errors.ts";

/**
 * One place a deploy goes: a region and the name its lines, outputs and labels carry. `settings` are the
 * few inputs a target may set for itself (an OCI gateway is regional, so each region names its own).
 */
export interface Target {
  name: string;
  region: string;
  /** Appended to the names of resources that two targets in one region would otherwise share ("" or "-<name>"). */
  suffix: string;
  settings: Record<string, string>;
}

/**
 * GitHub runs at most 256 jobs from one matrix
 * (https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/running-variations-of-jobs-in-a-workflow).
 */
export const MAX_TARGETS = 256;

/**
 * A name goes into resource names, labels and log prefixes: lowercase letters, digits and '-', starting
 * with a letter, as Cloud Run service names and Google labels take them, and short enough to append.
 */
const NAME = /^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$/;
/** Every cloud's region ids: us-ashburn-1, asia-northeast1, cn-hangzhou. */
const REGION = /^[a-z][a-z0-9-]{1,40}[a-z0-9]$/;

const FORM =
  'write a list: a JSON array such as ["us-ashburn-1", {"region": "eu-frankfurt-1", "name": "fra"}], YAML lines "- us-ashburn-1", or regions separated by commas (name=region to name one)';

/**
 * The targets input (or --targets): a JSON array, a YAML list, or regions separated by commas or
 * newlines; each item is a region, `name=region`, or a map with region, name and any of `settingKeys`.
 * Without targets, `region` alone is the one target (named after it). Every refusal is one line naming
 * the input and the fix.
 */
export function parseTargets(
  text: string | undefined,
  region: string | undefined,
  settingKeys: readonly string[] = [],
  labels: { targets: string; region: string } = { targets: "targets", region: "region" },
): Target[] {
  const input = labels.targets;
  const given = text?.trim() ?? "";
  const single = region?.trim() ?? "";
  if (given !== "" && single !== "") {
    throw new UserError(
      `${input} and ${labels.region} are both given: name the regions in ${input} only (a single region may stay in ${labels.region}).`,
    );
  }
  if (given === "") {
    if (single === "")
      throw new UserError(`${input} or ${labels.region} is required: name the region to deploy to.`);
    return withSuffixes([
      {
        region: checkedRegion(`${labels.region} `, single),
        name: checkedName(`${labels.region} `, single),
        settings: {},
      },
    ]);
  }
  const items = listItems(given, input);
  if (items.length === 0) throw new UserError(`${input} is an empty list: name at least one region.`);
  if (items.length > MAX_TARGETS) {
    throw new UserError(
      `${input} has ${items.length} targets; GitHub runs at most ${MAX_TARGETS} jobs from one matrix: split the list.`,
    );
  }
  const targets = items.map((item, index) => target(item, index + 1, settingKeys, input));
  const seen = new Map<string, number>();
  targets.forEach(({ name }, index) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new UserError(
        `${input}: items ${first} and ${index + 1} are both named ${JSON.stringify(name)}; give each target its own name ({"region": "...", "name": "..."} or name=region).`,
      );
    }
    seen.set(name, index + 1);
  });
  return withSuffixes(targets);
}

/** The list as parsed values: a YAML or JSON sequence, else the text split at commas and newlines. */
function listItems(text: string, input: string): unknown[] {
  if (!/^\s*[[{-]/.test(text))
    return text
      .split(/[,\n]/)
      .map((part) => part.trim())
      .filter((part) => part !== "");
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new UserError(`${input} is not a valid list (${reason}); ${FORM}.`);
  }
  if (!Array.isArray(value)) throw new UserError(`${input} is not a list; ${FORM}.`);
  return value;
}

function target(
  item: unknown,
  at: number,
  settingKeys: readonly string[],
  input: string,
): Omit<Target, "suffix"> {
  if (typeof item === "string") {
    // Split at the first '=' only: whatever follows is the region, and "a=b=c" is no region id.
    const equals = item.indexOf("=");
    const [name, region] =
      equals < 0 ? [item, item] : [item.slice(0, equals).trim(), item.slice(equals + 1).trim()];
    return {
      region: checkedRegion(`${input}: item ${at}'s region `, region ?? ""),
      name: checkedName(`${input}: item ${at}'s name `, name ?? ""),
      settings: {},
    };
  }
  if (item === null || typeof item !== "object" || Array.isArray(item)) {
    throw new UserError(
      `${input}: item ${at} is ${describe(item)}; give a region or {"region": "...", "name": "..."}.`,
    );
  }
  const fields = item as Record<string, unknown>;
  const allowed = ["region", "name", ...settingKeys];
  for (const [key, value] of Object.entries(fields)) {
    if (!allowed.includes(key)) {
      throw new UserError(
        `${input}: item ${at} has an unknown key ${JSON.stringify(key)}; a target takes ${allowed.join(", ")}.`,
      );
    }
    if (typeof value !== "string" || value.trim() === "") {
      throw new UserError(`${input}: item ${at}'s ${key} is ${describe(value)}; give it as non-empty text.`);
    }
  }
  const region = fields.region;
  if (typeof region !== "string")
    throw new UserError(`${input}: item ${at} has no region; add "region": "<region id>".`);
  const settings = Object.fromEntries(
    Object.entries(fields)
      .filter(([key]) => settingKeys.includes(key))
      .map(([key, value]) => [key, String(value).trim()]),
  );
  const name = typeof fields.name === "string" ? fields.name.trim() : region.trim();
  const where = `${input}: item ${at}'s `;
  return {
    region: checkedRegion(`${where}region `, region.trim()),
    name: checkedName(`${where}name `, name),
    settings,
  };
}

function checkedRegion(where: string, region: string): string {
  if (REGION.test(region)) return region;
  throw new UserError(
    `${where}${JSON.stringify(region.slice(0, 60))} is not a region id; use one such as us-ashburn-1, asia-northeast1 or cn-hangzhou.`,
  );
}

function checkedName(where: string, name: string): string {
  if (NAME.test(name)) return name;
  throw new UserError(
    `${where}${JSON.stringify(name.slice(0, 60))} must be 1-30 lowercase letters, digits or '-', starting with a letter and not ending with '-' (it goes into resource names and labels).`,
  );
}

/** Only targets sharing a region need their own resource names; elsewhere a name stays as the user gave it. */
function withSuffixes(targets: readonly Omit<Target, "suffix">[]): Target[] {
  const perRegion = new Map<string, number>();
  for (const { region } of targets) perRegion.set(region, (perRegion.get(region) ?? 0) + 1);
  return targets.map((t) => ({ ...t, suffix: (perRegion.get(t.region) ?? 0) > 1 ? `-${t.name}` : "" }));
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * The run label of one target: the given label (or the adapter's default) with the target's name, so
 * each target's resources are found, and torn down, on their own.
 */
export function targetRunLabel(label: string | undefined, target: Target): string | undefined {
  if (label === undefined || label === "") return undefined;
  // Labels hold 63 characters (src/run-label.ts): the name is kept whole, so two targets never share one.
  return `${label.slice(0, 62 - target.name.length)}-${target.name}`;
}
