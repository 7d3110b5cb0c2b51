import type { protos } from "@google-cloud/run";
import { type Ingress, ingressEnum, ingressWord, normalizeIngress } from "./ingress.ts";
import { envChanges, envToSend } from "./service-env.ts";
import { type ServiceSettings, settingsChanges, withSettings } from "./service-settings.ts";

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
  /**
   * Cloud Run functions: the function's entry point, set as FUNCTION_TARGET, which the Functions
   * Framework in the image reads when it starts. (Service.buildConfig describes Cloud Build source
   * deploys, which this deploy does not do, so it is left as it is.)
   */
  functionTarget?: string;
  /** Cloud Run functions: the runtime base image's full URI (see base-image.ts). */
  baseImage?: string;
  /** Resources, scaling, identity, secrets, labels, VPC (service-settings.ts); env-update applies to env. */
  settings?: ServiceSettings;
}

/**
 * The fields that differ between the service and what is wanted, by the name the user knows them by;
 * empty means nothing to do. The service may come back with enums as names or numbers.
 */
export function serviceChanges(existing: Service, desired: DesiredService): string[] {
  const changes: string[] = [];
  const container = existing.template?.containers?.[0] ?? {};
  if (container.image !== desired.image) changes.push("image");
  const env = envChanges(container.env ?? [], envToSend(container.env ?? [], envWanted(desired)));
  changes.push(...env.filter((change) => change !== "function"));
  if (normalizeIngress(existing.ingress) !== ingressEnum(desired.ingress)) {
    changes.push(`ingress (${ingressWord(existing.ingress)} -> ${desired.ingress})`);
  }
  // Secure by default: invoker IAM checks stay on; public access is an allUsers binding asked for by name.
  if (existing.invokerIamDisabled === true) changes.push("invokerIamDisabled (true -> false)");
  if (env.includes("function")) changes.push("function");
  if ((container.baseImageUri || undefined) !== desired.baseImage) changes.push("base-image");
  changes.push(...settingsChanges(existing, desired.settings));
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
  container.env = envToSend(container.env ?? [], envWanted(desired));
  container.baseImageUri = desired.baseImage ?? "";
  const service: Service = {
    ...withoutOutputOnly(existing),
    name: desired.name,
    ingress: ingressEnum(desired.ingress) as NonNullable<Service["ingress"]>,
    invokerIamDisabled: false,
    template: { ...template, containers: [container, ...others] },
  };
  return withSettings(service, desired.settings);
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

/** The variables the env, env-file, secrets and function inputs manage, and how (env-update). */
function envWanted(desired: DesiredService) {
  const secrets = desired.settings?.secretEnv;
  return {
    update: desired.settings?.envUpdate ?? "replace",
    ...(desired.env !== undefined ? { plain: desired.env } : {}),
    ...(secrets !== undefined ? { secrets } : {}),
    ...(desired.functionTarget !== undefined ? { functionTarget: desired.functionTarget } : {}),
  } as const;
}
