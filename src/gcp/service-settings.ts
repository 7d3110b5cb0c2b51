import type { protos } from "@google-cloud/run";
import { cpuMillis, memoryBytes } from "./run-quantities.ts";
import type { EnvUpdate, SecretRef } from "./service-env.ts";
import { mountedSecretFiles, volumesToSend } from "./service-secret-files.ts";

type Service = protos.google.cloud.run.v2.IService;
type Template = protos.google.cloud.run.v2.IRevisionTemplate;
type Container = protos.google.cloud.run.v2.IContainer;

export type VpcEgress = "all-traffic" | "private-ranges-only";

/** Direct VPC egress (network and/or subnet) or a Serverless VPC Access connector, as full resource names. */
export interface VpcSettings {
  connector?: string;
  network?: string;
  subnet?: string;
  egress?: VpcEgress;
}

/**
 * The Cloud Run service settings the deploy manages when asked (src/inputs/cloud-run-settings.ts checks
 * each): an unset one leaves the service's own value, whoever set it.
 */
export interface ServiceSettings {
  /** How env, env-file and secrets meet the variables and secret files already on the service. */
  envUpdate: EnvUpdate;
  /** The runtime identity (template.serviceAccount). */
  runtimeServiceAccount?: string;
  /** resources.limits.cpu as Cloud Run takes it ("1", "0.5", "500m"). */
  cpu?: string;
  /** resources.limits.memory ("512Mi", "2Gi"). */
  memory?: string;
  concurrency?: number;
  minInstances?: number;
  maxInstances?: number;
  timeoutSeconds?: number;
  port?: number;
  /** Variables fed from Secret Manager, by name. */
  secretEnv?: Record<string, SecretRef>;
  /** Secret versions mounted as files, by absolute path. */
  secretFiles?: Record<string, SecretRef>;
  /** Added to the service's labels (or changed); labels set elsewhere stay. */
  labels?: Record<string, string>;
  vpc?: VpcSettings;
}

const EGRESS_ENUM: Record<VpcEgress, "ALL_TRAFFIC" | "PRIVATE_RANGES_ONLY"> = {
  "all-traffic": "ALL_TRAFFIC",
  "private-ranges-only": "PRIVATE_RANGES_ONLY",
};
// google.cloud.run.v2.VpcAccess.VpcEgress numbers; the REST client asks for enum-encoding=int.
const EGRESS_BY_NUMBER = ["VPC_EGRESS_UNSPECIFIED", "ALL_TRAFFIC", "PRIVATE_RANGES_ONLY"];

/** `service` (already the copy to send) with the settings applied to its template and first container. */
export function withSettings(service: Service, settings: ServiceSettings | undefined): Service {
  if (!settings) return service;
  const template: Template = { ...(service.template ?? {}) };
  const [first, ...others] = template.containers ?? [];
  const container: Container = { ...(first ?? {}) };
  if (settings.runtimeServiceAccount !== undefined) template.serviceAccount = settings.runtimeServiceAccount;
  if (settings.concurrency !== undefined) template.maxInstanceRequestConcurrency = settings.concurrency;
  if (settings.minInstances !== undefined || settings.maxInstances !== undefined) {
    template.scaling = {
      ...(template.scaling ?? {}),
      ...(settings.minInstances !== undefined ? { minInstanceCount: settings.minInstances } : {}),
      ...(settings.maxInstances !== undefined ? { maxInstanceCount: settings.maxInstances } : {}),
    };
  }
  if (settings.timeoutSeconds !== undefined)
    template.timeout = { seconds: settings.timeoutSeconds, nanos: 0 };
  if (settings.cpu !== undefined || settings.memory !== undefined) {
    container.resources = {
      ...(container.resources ?? {}),
      // Sent without cpuIdle, resources would switch CPU to always allocated (ResourceRequirements.cpu_idle).
      cpuIdle: container.resources?.cpuIdle ?? true,
      limits: {
        ...(container.resources?.limits ?? {}),
        ...(settings.cpu !== undefined ? { cpu: settings.cpu } : {}),
        ...(settings.memory !== undefined ? { memory: settings.memory } : {}),
      },
    };
  }
  if (settings.port !== undefined) {
    container.ports = [{ name: container.ports?.[0]?.name || "http1", containerPort: settings.port }];
  }
  if (settings.secretFiles !== undefined) {
    const next = volumesToSend(
      { volumes: template.volumes ?? [], mounts: container.volumeMounts ?? [] },
      { files: settings.secretFiles, update: settings.envUpdate },
      new Set(others.flatMap((sidecar) => (sidecar.volumeMounts ?? []).map((mount) => mount.name))),
    );
    template.volumes = next.volumes;
    container.volumeMounts = next.mounts;
  }
  if (settings.vpc !== undefined) template.vpcAccess = vpcAccess(settings.vpc);
  template.containers = [container, ...others];
  const labels = settings.labels ? { ...(service.labels ?? {}), ...settings.labels } : service.labels;
  return { ...service, ...(labels ? { labels } : {}), template };
}

/** The settings that differ between the service and what is asked, by input name; empty: nothing to do. */
export function settingsChanges(existing: Service, settings: ServiceSettings | undefined): string[] {
  if (!settings) return [];
  const wanted = withSettings(existing, settings);
  const [before, after] = [view(existing), view(wanted)];
  return Object.keys(after).filter((key) => after[key] !== before[key]);
}

/** Each managed setting as comparable text, whatever spelling or encoding the API answered with. */
function view(service: Service): Record<string, string> {
  const template = service.template ?? {};
  const container = template.containers?.[0] ?? {};
  const limits = (container.resources?.limits ?? {}) as Record<string, string>;
  const vpc = template.vpcAccess;
  return {
    "runtime-service-account": template.serviceAccount ?? "",
    cpu: String(limits.cpu === undefined ? "" : (cpuMillis(limits.cpu) ?? limits.cpu)),
    memory: String(limits.memory === undefined ? "" : (memoryBytes(limits.memory) ?? limits.memory)),
    concurrency: String(template.maxInstanceRequestConcurrency ?? 0),
    "min-instances": String(template.scaling?.minInstanceCount ?? 0),
    "max-instances": String(template.scaling?.maxInstanceCount ?? 0),
    timeout: String(Number(String(template.timeout?.seconds ?? 0))),
    port: String(container.ports?.[0]?.containerPort ?? ""),
    "secret files": mountedSecretFiles({
      volumes: template.volumes ?? [],
      mounts: container.volumeMounts ?? [],
    }).join("\n"),
    labels: JSON.stringify(Object.entries(service.labels ?? {}).sort()),
    vpc: JSON.stringify([
      vpc?.connector ?? "",
      vpc ? egressName(vpc.egress) : "",
      (vpc?.networkInterfaces ?? []).map((nic) => [nic.network ?? "", nic.subnetwork ?? ""]),
    ]),
  };
}

function vpcAccess(vpc: VpcSettings): protos.google.cloud.run.v2.IVpcAccess {
  const egress = EGRESS_ENUM[vpc.egress ?? "private-ranges-only"];
  if (vpc.connector !== undefined) return { connector: vpc.connector, egress };
  const nic = {
    ...(vpc.network !== undefined ? { network: vpc.network } : {}),
    ...(vpc.subnet !== undefined ? { subnetwork: vpc.subnet } : {}),
  };
  return { egress, networkInterfaces: [nic] };
}

/** An egress enum as sent or answered (name or number); unspecified is PRIVATE_RANGES_ONLY, the API's default. */
function egressName(value: unknown): string {
  if (value === undefined || value === null) return "PRIVATE_RANGES_ONLY";
  const name = typeof value === "number" ? (EGRESS_BY_NUMBER[value] ?? String(value)) : String(value);
  return name === "VPC_EGRESS_UNSPECIFIED" ? "PRIVATE_RANGES_ONLY" : name;
}
