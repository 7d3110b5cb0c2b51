// What Cloud Run checks in a service's revision template beyond the proto shape (proto-shape.ts refuses
// unknown fields and wrong types): each rule with the page it follows.
// - serviceAccount: deploying a revision that runs as an account needs iam.serviceAccounts.actAs on it
//   (roles/iam.serviceAccountUser; https://cloud.google.com/run/docs/securing/service-identity);
//   RevisionTemplate.service_account (revision_template.proto).
// - resources.limits: only cpu, memory and nvidia.com/gpu (ResourceRequirements, k8s.min.proto); cpu 1, 2,
//   4, 6 or 8, or 0.08 to 1 in fractions, 4 CPUs need 2 GiB and 6 or 8 need 4 GiB, below 1 CPU concurrency
//   must be 1 and memory above 512 MiB needs 0.5 CPU, above 1 GiB 1 CPU
//   (https://cloud.google.com/run/docs/configuring/services/cpu); memory up to 32 GiB, more than 4/8/16/24
//   GiB needs 2/4/6/8 CPUs, at least 128 MiB (https://cloud.google.com/run/docs/configuring/services/memory-limits).
// - maxInstanceRequestConcurrency at most 1000 (https://cloud.google.com/run/quotas); scaling counts not
//   negative, min not above max (RevisionScaling, vendor_settings.proto).
// - timeout up to 3600 s (https://cloud.google.com/run/docs/configuring/request-timeout).
// - ports: one, 0 < containerPort < 65536, name http1 or h2c (ContainerPort, k8s.min.proto).
// - env: EnvVar holds value or valueSource (a oneof); SecretKeySelector.secret is SECRET or
//   projects/P/secrets/SECRET, version latest, a number or an alias (k8s.min.proto).
// - volumes: one type each (Volume's oneof), SecretVolumeSource items with a relative path and a version;
//   VolumeMount.mount_path without ':' naming a volume; never /dev, /proc, /sys
//   (https://cloud.google.com/run/docs/configuring/services/secrets).
// - vpcAccess: a connector (projects/P/locations/L/connectors/C, in the service's region) or one network
//   interface with network or subnetwork, not both (VpcAccess, vendor_settings.proto;
//   https://cloud.google.com/run/docs/configuring/vpc-direct-vpc).
// - every referenced secret readable by the runtime account (secret-manager.ts).
import type { Json } from "../json.ts";
import { secretAccessProblem } from "./secret-manager.ts";
import type { GcpState } from "./state.ts";

export interface TemplateCall {
  state: GcpState;
  project: string;
  region: string;
  /** The caller and the groups it belongs to, as IAM members. */
  members: string[];
}

export interface TemplateRefusal {
  status: 400 | 403;
  message: string;
}

const CPU_FULL = new Set([1000, 2000, 4000, 6000, 8000]);
const MIB = 2 ** 20;
const GIB = 2 ** 30;
const SECRET = /^(?:projects\/[a-z0-9][-a-z0-9.:]{0,62}\/secrets\/)?[A-Za-z0-9_-]{1,255}$/;
const VERSION = /^(?:latest|[1-9]\d{0,18}|[A-Za-z][A-Za-z0-9_-]{0,62})$/;
const CONNECTOR = /^projects\/[^/]+\/locations\/([^/]+)\/connectors\/[a-z](?:[-a-z0-9]{0,23}[a-z0-9])?$/;
const RESERVED_ENV = new Set(["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"]);

const bad = (message: string): TemplateRefusal => ({ status: 400, message });

/** Why Cloud Run would refuse this service's template, or undefined when it takes it. */
export function templateProblem(body: Json, call: TemplateCall): TemplateRefusal | undefined {
  const template = (body.template ?? {}) as Json;
  const container = ((template.containers as Json[] | undefined)?.[0] ?? {}) as Json;
  return (
    accountProblem(template.serviceAccount, call) ??
    resourceProblem(container, template) ??
    scalingProblem(template) ??
    timeoutProblem(template.timeout) ??
    portProblem(container.ports) ??
    envProblem(container.env) ??
    volumeProblem((template.volumes ?? []) as Json[], (container.volumeMounts ?? []) as Json[]) ??
    vpcProblem(template.vpcAccess as Json | undefined, call.region) ??
    secretAccess(call, template, container)
  );
}

function secretAccess(call: TemplateCall, template: Json, container: Json): TemplateRefusal | undefined {
  const problem = secretAccessProblem(call.state, call.project, template, container);
  return problem === undefined ? undefined : bad(problem);
}

function accountProblem(account: unknown, call: TemplateCall): TemplateRefusal | undefined {
  if (account === undefined || account === null || account === "") return undefined;
  const number = call.state.projects.get(call.project)?.number;
  if (account === `${number}-compute@developer.gserviceaccount.com`) return undefined;
  const record = call.state.serviceAccounts.get(String(account));
  if (!record || !call.members.some((member) => record.actors.has(member))) {
    return {
      status: 403,
      message: `Permission 'iam.serviceaccounts.actAs' denied on service account ${String(account)} (or it may not exist).`,
    };
  }
  return undefined;
}

function cpuMillis(value: unknown): number | undefined {
  const text = String(value);
  const millis = /^(\d+)m$/.exec(text);
  if (millis) return Number(millis[1]);
  return /^\d+(?:\.\d{1,3})?$/.test(text) ? Math.round(Number(text) * 1000) : undefined;
}

function memoryBytes(value: unknown): number | undefined {
  const match = /^(\d+)(Mi|Gi|M|G)$/.exec(String(value));
  const unit = { Mi: MIB, Gi: GIB, M: 10 ** 6, G: 10 ** 9 }[match?.[2] ?? ""];
  return match && unit ? Number(match[1]) * unit : undefined;
}

function resourceProblem(container: Json, template: Json): TemplateRefusal | undefined {
  const limits = ((container.resources as Json | undefined)?.limits ?? {}) as Json;
  const unknown = Object.keys(limits).find((key) => !["cpu", "memory", "nvidia.com/gpu"].includes(key));
  if (unknown) return bad(`spec.template.containers[0].resources.limits: unsupported resource '${unknown}'.`);
  const cpu = limits.cpu === undefined ? 1000 : cpuMillis(limits.cpu);
  if (cpu === undefined || !(CPU_FULL.has(cpu) || (cpu >= 80 && cpu < 1000)))
    return bad(`Invalid value specified for cpu: '${String(limits.cpu)}'.`);
  const memory = limits.memory === undefined ? 512 * MIB : memoryBytes(limits.memory);
  if (memory === undefined || memory < 128 * MIB || memory > 32 * GIB)
    return bad(`Invalid value specified for memory: '${String(limits.memory)}'.`);
  const needs = [
    [24 * GIB, 8000],
    [16 * GIB, 6000],
    [8 * GIB, 4000],
    [4 * GIB, 2000],
    [GIB, 1000],
    [512 * MIB, 500],
  ].find(([above = 0]) => memory > above)?.[1];
  if (needs !== undefined && cpu < needs)
    return bad(
      `Invalid value specified for memory. ${String(limits.memory)} requires at least ${needs / 1000} CPU.`,
    );
  const least = cpu >= 6000 ? 4 * GIB : cpu >= 4000 ? 2 * GIB : 0;
  if (memory < least)
    return bad(
      `Invalid value specified for cpu. ${String(limits.cpu)} CPU requires at least ${least / GIB}Gi memory.`,
    );
  const concurrency = Number(template.maxInstanceRequestConcurrency ?? 0);
  if (cpu < 1000 && concurrency > 1)
    return bad(
      "Invalid value specified for container concurrency. Total CPU < 1 is not supported with concurrency > 1.",
    );
  return undefined;
}

function scalingProblem(template: Json): TemplateRefusal | undefined {
  const concurrency = Number(template.maxInstanceRequestConcurrency ?? 0);
  if (!Number.isInteger(concurrency) || concurrency < 0 || concurrency > 1000)
    return bad("spec.template.maxInstanceRequestConcurrency: must be between 0 and 1000.");
  const scaling = (template.scaling ?? {}) as Json;
  const [min, max] = [Number(scaling.minInstanceCount ?? 0), Number(scaling.maxInstanceCount ?? 0)];
  if (min < 0 || max < 0) return bad("spec.template.scaling: instance counts must not be negative.");
  if (max > 0 && min > max)
    return bad("spec.template.scaling.minInstanceCount: must be less than or equal to maxInstanceCount.");
  return undefined;
}

function timeoutProblem(timeout: unknown): TemplateRefusal | undefined {
  if (timeout === undefined || timeout === null) return undefined;
  const match = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(String(timeout));
  const seconds = match ? Number(match[1]) + Number(`0.${match[2] ?? 0}`) : Number.NaN;
  if (!(seconds > 0 && seconds <= 3600))
    return bad(`spec.template.timeout: '${String(timeout)}' must be between 1s and 3600s.`);
  return undefined;
}

function portProblem(ports: unknown): TemplateRefusal | undefined {
  const list = (ports ?? []) as Json[];
  if (list.length > 1) return bad("spec.template.containers[0].ports: at most one port may be specified.");
  const port = list[0];
  if (!port) return undefined;
  const number = Number(port.containerPort ?? 8080);
  if (!(Number.isInteger(number) && number > 0 && number < 65536))
    return bad(
      `spec.template.containers[0].ports[0].containerPort: '${String(port.containerPort)}' must be 1-65535.`,
    );
  if (port.name !== undefined && port.name !== "" && !["http1", "h2c"].includes(String(port.name)))
    return bad(`spec.template.containers[0].ports[0].name: '${String(port.name)}' must be http1 or h2c.`);
  return undefined;
}

function envProblem(env: unknown): TemplateRefusal | undefined {
  const seen = new Set<string>();
  for (const entry of (env ?? []) as Json[]) {
    const name = String(entry.name ?? "");
    if (name === "") return bad("spec.template.containers[0].env: name is required.");
    if (seen.has(name)) return bad(`spec.template.containers[0].env: duplicate name '${name}'.`);
    seen.add(name);
    if (RESERVED_ENV.has(name)) return bad(`The following reserved env names were provided: ${name}.`);
    const source = entry.valueSource as Json | undefined;
    if (source && entry.value !== undefined)
      return bad(`spec.template.containers[0].env '${name}': value and valueSource are exclusive.`);
    if (source) {
      const ref = (source.secretKeyRef ?? {}) as Json;
      if (!SECRET.test(String(ref.secret ?? "")) || !VERSION.test(String(ref.version ?? "")))
        return bad(`spec.template.containers[0].env '${name}': invalid secretKeyRef.`);
    }
  }
  return undefined;
}

function volumeProblem(volumes: Json[], mounts: Json[]): TemplateRefusal | undefined {
  const names = new Set<string>();
  for (const volume of volumes) {
    const name = String(volume.name ?? "");
    if (name === "" || names.has(name))
      return bad(`spec.template.volumes: missing or duplicate name '${name}'.`);
    names.add(name);
    const kinds = ["secret", "cloudSqlInstance", "emptyDir", "nfs", "gcs"].filter((kind) => volume[kind]);
    if (kinds.length !== 1)
      return bad(`spec.template.volumes '${name}': exactly one volume type is required.`);
    const secret = volume.secret as Json | undefined;
    if (!secret) continue;
    if (!SECRET.test(String(secret.secret ?? "")))
      return bad(`spec.template.volumes '${name}': invalid secret '${String(secret.secret)}'.`);
    for (const item of (secret.items ?? []) as Json[]) {
      const path = String(item.path ?? "");
      if (
        path === "" ||
        path.startsWith("/") ||
        path.split("/").includes("..") ||
        !VERSION.test(String(item.version ?? ""))
      )
        return bad(`spec.template.volumes '${name}': items need a relative path and a version.`);
    }
  }
  const paths = new Set<string>();
  for (const mount of mounts) {
    const path = String(mount.mountPath ?? "");
    if (!names.has(String(mount.name ?? "")))
      return bad(`volumeMounts: no volume named '${String(mount.name)}'.`);
    if (!path.startsWith("/") || path.includes(":") || paths.has(path))
      return bad(`volumeMounts: invalid or duplicate mountPath '${path}'.`);
    if (
      ["/dev", "/proc", "/sys"].some((root) => path === root || path.startsWith(`${root}/`)) ||
      path === "/"
    )
      return bad(`volumeMounts: mountPath '${path}' is reserved.`);
    paths.add(path);
  }
  return undefined;
}

function vpcProblem(vpc: Json | undefined, region: string): TemplateRefusal | undefined {
  if (!vpc) return undefined;
  const nics = (vpc.networkInterfaces ?? []) as Json[];
  const connector = vpc.connector ? String(vpc.connector) : "";
  if (connector && nics.length > 0)
    return bad("spec.template.vpcAccess: connector and networkInterfaces are mutually exclusive.");
  if (nics.length > 1) return bad("spec.template.vpcAccess.networkInterfaces: only one is supported.");
  if (nics[0] && !nics[0].network && !nics[0].subnetwork)
    return bad("spec.template.vpcAccess.networkInterfaces[0]: network or subnetwork is required.");
  if (connector) {
    const match = CONNECTOR.exec(connector);
    if (!match) return bad(`spec.template.vpcAccess.connector: '${connector}' is not a connector name.`);
    if (match[1] !== region)
      return bad(
        `spec.template.vpcAccess.connector: connector must be in the same region as the service (${region}).`,
      );
  }
  if (!connector && nics.length === 0 && vpc.egress !== undefined)
    return bad("spec.template.vpcAccess: egress needs a connector or a network interface.");
  return undefined;
}
