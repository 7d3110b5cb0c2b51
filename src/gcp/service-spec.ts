import type { protos } from "@google-cloud/run";
import { type Ingress, ingressEnum, ingressWord, normalizeIngress } from "./ingress.ts";

type Service = protos.google.cloud.run.v2.IService;
type Container = protos.google.cloud.run.v2.IContainer;

const FUNCTION_TARGET = "FUNCTION_TARGET";

/** What the deploy manages on a service; everything else on it is left as it is. */
export interface DesiredService {
  /** projects/<project>/locations/<region>/services/<service> */
  name: string;
  image: string;
  /** Plain environment variables; undefined leaves the service's as they are. */
  env?: Record<string, string>;
  ingress: Ingress;
  /**
   * Cloud Run functions: the function's entry point, set as FUNCTION_TARGET, which the Functions
   * Framework in the image reads when it starts. (Service.buildConfig describes Cloud Build source
   * deploys, which this deploy does not do, so it is left as it is.)
   */
  functionTarget?: string;
  /** Cloud Run functions: the runtime base image's full URI (see base-image.ts). */
  baseImage?: string;
}

/**
 * The fields that differ between the service and what is wanted, by the name the user knows them by;
 * empty means nothing to do. The service may come back with enums as names or numbers.
 */
export function serviceChanges(existing: Service, desired: DesiredService): string[] {
  const changes: string[] = [];
  const container = existing.template?.containers?.[0] ?? {};
  const env = plainEnv(container);
  if (container.image !== desired.image) changes.push("image");
  if (desired.env !== undefined && !sameEnv(withoutTarget(env, desired), desired.env)) changes.push("env");
  if (normalizeIngress(existing.ingress) !== ingressEnum(desired.ingress)) {
    changes.push(`ingress (${ingressWord(existing.ingress)} -> ${desired.ingress})`);
  }
  // Secure by default: invoker IAM checks stay on; public access is an allUsers binding asked for by name.
  if (existing.invokerIamDisabled === true) changes.push("invokerIamDisabled (true -> false)");
  if (desired.functionTarget !== undefined && env[FUNCTION_TARGET] !== desired.functionTarget) {
    changes.push("function");
  }
  if ((container.baseImageUri || undefined) !== desired.baseImage) changes.push("base-image");
  return changes;
}

/**
 * The service to send: the existing one (so settings the deploy does not manage survive) with the
 * managed fields set, or a new one.
 */
export function serviceToSend(existing: Service | undefined, desired: DesiredService): Service {
  const template = existing?.template ?? {};
  const [first, ...others] = template.containers ?? [];
  const container: Container = { ...(first ?? {}), image: desired.image };
  let env = [...(container.env ?? [])];
  if (desired.env !== undefined) {
    // Variables fed from Secret Manager are not ours to drop.
    const fromSecrets = env.filter((entry) => entry.valueSource);
    env = [...Object.entries(desired.env).map(([name, value]) => ({ name, value })), ...fromSecrets];
  }
  if (desired.functionTarget !== undefined) {
    env = [
      ...env.filter((entry) => entry.name !== FUNCTION_TARGET),
      { name: FUNCTION_TARGET, value: desired.functionTarget },
    ];
  }
  container.env = env;
  container.baseImageUri = desired.baseImage ?? "";
  return {
    ...withoutOutputOnly(existing),
    name: desired.name,
    ingress: ingressEnum(desired.ingress) as NonNullable<Service["ingress"]>,
    invokerIamDisabled: false,
    template: { ...template, containers: [container, ...others] },
  };
}

// Set by Cloud Run, ignored when sent. Left out because the int64 ones (generation) arrive as Long
// objects that the REST serializer recognises by class name, which a minified bundle renames.
const OUTPUT_ONLY = [
  "uid",
  "generation",
  "createTime",
  "updateTime",
  "deleteTime",
  "expireTime",
  "creator",
  "lastModifier",
  "observedGeneration",
  "terminalCondition",
  "conditions",
  "latestReadyRevision",
  "latestCreatedRevision",
  "trafficStatuses",
  "uri",
  "urls",
  "satisfiesPzs",
  "reconciling",
] as const;

export function withoutOutputOnly(existing: Service | undefined): Service {
  const copy: Record<string, unknown> = { ...(existing ?? {}) };
  for (const key of OUTPUT_ONLY) delete copy[key];
  return copy as Service;
}

/** The plain variables the env input manages: FUNCTION_TARGET belongs to the function input when set. */
function withoutTarget(env: Record<string, string>, desired: DesiredService): Record<string, string> {
  if (desired.functionTarget === undefined) return env;
  const { [FUNCTION_TARGET]: _target, ...rest } = env;
  return rest;
}

function plainEnv(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    if (entry.name && !entry.valueSource) env[entry.name] = entry.value ?? "";
  }
  return env;
}

function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}
