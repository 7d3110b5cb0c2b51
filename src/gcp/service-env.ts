import type { protos } from "@google-cloud/run";

type EnvVar = protos.google.cloud.run.v2.IEnvVar;

export const FUNCTION_TARGET = "FUNCTION_TARGET";

/** A Secret Manager secret version: its name (or projects/P/secrets/NAME) and version (latest, 3, an alias). */
export interface SecretRef {
  secret: string;
  version: string;
}

/** How the variables fngate's inputs name meet the service's: replace makes them the whole list of their kind. */
export type EnvUpdate = "replace" | "merge";

/** The container's variables the deploy manages; undefined parts leave that kind as it is. */
export interface EnvWanted {
  /** Plain variables (env and env-file). */
  plain?: Record<string, string>;
  /** Variables fed from Secret Manager (secrets' KEY=secret:version lines). */
  secrets?: Record<string, SecretRef>;
  functionTarget?: string;
  update: EnvUpdate;
}

/**
 * The container's variables after the deploy. Under replace, a kind the inputs give (plain or from Secret
 * Manager) becomes exactly what they list; under merge, what they list is added or changed and every other
 * variable stays, whoever set it. A name given now drops the variable of the same name of the other kind.
 */
export function envToSend(current: readonly EnvVar[], wanted: EnvWanted): EnvVar[] {
  const { plain, secrets } = wanted;
  const given = new Set([...Object.keys(plain ?? {}), ...Object.keys(secrets ?? {})]);
  let env = current.filter((entry) => !given.has(entry.name ?? ""));
  if (wanted.update === "replace") {
    if (plain) env = env.filter((entry) => entry.valueSource);
    if (secrets) env = env.filter((entry) => !entry.valueSource);
  }
  env.unshift(...Object.entries(plain ?? {}).map(([name, value]) => ({ name, value })));
  env.push(
    ...Object.entries(secrets ?? {}).map(([name, ref]) => ({
      name,
      valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version } },
    })),
  );
  if (wanted.functionTarget !== undefined) {
    env = [
      ...env.filter((entry) => entry.name !== FUNCTION_TARGET),
      { name: FUNCTION_TARGET, value: wanted.functionTarget },
    ];
  }
  return env;
}

/** What differs between two variable lists, by input: env (plain), secrets, function (FUNCTION_TARGET). */
export function envChanges(before: readonly EnvVar[], after: readonly EnvVar[]): string[] {
  const [old, next] = [envView(before), envView(after)];
  const changes: string[] = [];
  if (!sameMap(withoutTarget(old.plain), withoutTarget(next.plain))) changes.push("env");
  if (!sameMap(old.secrets, next.secrets)) changes.push("secrets");
  if (old.plain[FUNCTION_TARGET] !== next.plain[FUNCTION_TARGET]) changes.push("function");
  return changes;
}

function envView(env: readonly EnvVar[]) {
  const plain: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const entry of env) {
    if (!entry.name) continue;
    const ref = entry.valueSource?.secretKeyRef;
    if (entry.valueSource) secrets[entry.name] = `${ref?.secret ?? ""}:${ref?.version ?? ""}`;
    else plain[entry.name] = entry.value ?? "";
  }
  return { plain, secrets };
}

function withoutTarget(env: Record<string, string>): Record<string, string> {
  const { [FUNCTION_TARGET]: _target, ...rest } = env;
  return rest;
}

export function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}
