import type { protos } from "@google-cloud/run";
import { type Ingress, ingressEnum, ingressWord, normalizeIngress } from "./ingress.ts";

type Service = protos.google.cloud.run.v2.IService;
type Container = protos.google.cloud.run.v2.IContainer;

/** What the deploy manages on a service; everything else on it is left as it is. */
export interface DesiredService {
  /** projects/<project>/locations/<region>/services/<service> */
  name: string;
  image: string;
  /** Plain environment variables; undefined leaves the service's as they are. */
  env?: Record<string, string>;
  ingress: Ingress;
  /** Cloud Run functions: the function's entry point. */
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
  if (container.image !== desired.image) changes.push("image");
  if (desired.env !== undefined && !sameEnv(plainEnv(container), desired.env)) changes.push("env");
  if (normalizeIngress(existing.ingress) !== ingressEnum(desired.ingress)) {
    changes.push(`ingress (${ingressWord(existing.ingress)} -> ${desired.ingress})`);
  }
  // Secure by default: invoker IAM checks stay on; public access is an allUsers binding asked for by name.
  if (existing.invokerIamDisabled === true) changes.push("invokerIamDisabled (true -> false)");
  if ((existing.buildConfig?.functionTarget || undefined) !== desired.functionTarget)
    changes.push("function");
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
  if (desired.env !== undefined) {
    // Variables fed from Secret Manager are not ours to drop.
    const fromSecrets = (container.env ?? []).filter((entry) => entry.valueSource);
    container.env = [
      ...Object.entries(desired.env).map(([name, value]) => ({ name, value })),
      ...fromSecrets,
    ];
  }
  container.baseImageUri = desired.baseImage ?? "";
  const service: Service = {
    ...withoutOutputOnly(existing),
    name: desired.name,
    ingress: ingressEnum(desired.ingress) as NonNullable<Service["ingress"]>,
    invokerIamDisabled: false,
    template: { ...template, containers: [container, ...others] },
  };
  if (desired.functionTarget !== undefined || desired.baseImage !== undefined) {
    service.buildConfig = {
      ...(existing?.buildConfig ?? {}),
      functionTarget: desired.functionTarget ?? "",
      baseImage: desired.baseImage ?? "",
    };
  } else if (existing?.buildConfig) {
    service.buildConfig = { ...existing.buildConfig, functionTarget: "", baseImage: "" };
  }
  return service;
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

function withoutOutputOnly(existing: Service | undefined): Service {
  const copy: Record<string, unknown> = { ...(existing ?? {}) };
  for (const key of OUTPUT_ONLY) delete copy[key];
  return copy as Service;
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
