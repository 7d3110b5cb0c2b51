// The checks of cloud-run-deploy's service settings, each refusing with one line that names the input,
// says what is wrong and gives the form Cloud Run takes. The rules are Cloud Run's own:
// - cpu: 1, 2, 4, 6 or 8, or 0.08 to 1 in fractions; memory 128Mi to 32Gi; more than 4/8/16/24 GiB needs
//   2/4/6/8 CPUs; below 1 CPU, concurrency must be 1 and memory at most 512Mi (under 0.5 CPU) or 1Gi
//   (https://cloud.google.com/run/docs/configuring/services/cpu,
//   https://cloud.google.com/run/docs/configuring/services/memory-limits).
// - concurrency at most 1000 per instance (https://cloud.google.com/run/quotas).
// - timeout up to 60 minutes (https://cloud.google.com/run/docs/configuring/request-timeout).
// - port: 0 < container_port < 65536 (ContainerPort, k8s.min.proto).
// - VPC: a connector or Direct VPC egress (network and/or subnetwork) (VpcAccess, vendor_settings.proto).
import { UserError } from "../errors.ts";
import { cpuMillis, GIB, MIB, memoryBytes } from "./run-quantities.ts";
import type { VpcEgress } from "./service-settings.ts";

const SERVICE_ACCOUNT =
  /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/;
const DEFAULT_ACCOUNT = /^\d{6,20}-compute@developer\.gserviceaccount\.com$/;
const WHOLE = /^\d{1,10}$/;
const FULL_CPUS = new Set([1000, 2000, 4000, 6000, 8000]);
const NAME = "[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?";
const PROJECT = "[a-z][-a-z0-9.:]{4,61}[a-z0-9]";
const NETWORK = new RegExp(`^(?:${NAME}|projects/${PROJECT}/global/networks/${NAME})$`);
const SUBNET = new RegExp(`^(?:${NAME}|projects/${PROJECT}/regions/[a-z]+-[a-z]+\\d+/subnetworks/${NAME})$`);
const CONNECTOR_NAME = "[a-z](?:[-a-z0-9]{0,23}[a-z0-9])?";
const CONNECTOR = new RegExp(
  `^(?:${CONNECTOR_NAME}|projects/(?:${PROJECT}|\\d+)/locations/([a-z]+-[a-z]+\\d+)/connectors/${CONNECTOR_NAME})$`,
);
export const ENV_UPDATES = ["replace", "merge"] as const;
export const VPC_EGRESS = ["all-traffic", "private-ranges-only"] as const;

const shown = (value: string) => JSON.stringify(value.slice(0, 80));

export function checkRuntimeServiceAccount(value: string): string {
  if (!SERVICE_ACCOUNT.test(value) && !DEFAULT_ACCOUNT.test(value)) {
    throw new UserError(
      `runtime-service-account ${shown(value)} is not a service account email: use NAME@PROJECT_ID.iam.gserviceaccount.com (or PROJECT_NUMBER-compute@developer.gserviceaccount.com).`,
    );
  }
  return value;
}

export function checkCpu(value: string): string {
  const millis = cpuMillis(value);
  const fraction = millis !== undefined && millis >= 80 && millis < 1000;
  if (millis === undefined || !(fraction || FULL_CPUS.has(millis))) {
    throw new UserError(
      `cpu ${shown(value)} is not a CPU limit Cloud Run takes: use 1, 2, 4, 6 or 8, or a fraction from 0.08 to 1 (e.g. 0.5 or 500m).`,
    );
  }
  return value;
}

export function checkMemory(value: string): string {
  const bytes = memoryBytes(value);
  if (bytes === undefined || bytes < 128 * MIB || bytes > 32 * GIB) {
    throw new UserError(
      `memory ${shown(value)} is not a memory limit Cloud Run takes: use a whole number of Mi or Gi from 128Mi to 32Gi (e.g. 512Mi or 2Gi).`,
    );
  }
  return value;
}

/** The CPUs Cloud Run asks for a memory limit: more than 4, 8, 16, 24 GiB need 2, 4, 6, 8 CPUs. */
const MEMORY_CPU: readonly [bytes: number, millis: number][] = [
  [24 * GIB, 8000],
  [16 * GIB, 6000],
  [8 * GIB, 4000],
  [4 * GIB, 2000],
  [1 * GIB, 1000],
  [512 * MIB, 500],
];

/** cpu and memory together, when both are given; below 1 CPU, concurrency must be 1. */
export function checkCpuAndMemory(cpu: string | undefined, memory: string | undefined): void {
  const millis = cpu === undefined ? undefined : cpuMillis(cpu);
  const bytes = memory === undefined ? undefined : memoryBytes(memory);
  if (millis === undefined || bytes === undefined) return;
  const needed = MEMORY_CPU.find(([above]) => bytes > above)?.[1] ?? 0;
  if (millis < needed) {
    throw new UserError(
      `memory ${memory} needs cpu ${needed / 1000} or more (Cloud Run: above 512Mi needs 0.5 CPU, above 1Gi 1, above 4Gi 2, above 8Gi 4, above 16Gi 6, above 24Gi 8): raise cpu or lower memory.`,
    );
  }
  const least = millis >= 6000 ? 4 * GIB : millis >= 4000 ? 2 * GIB : 0;
  if (bytes < least) {
    throw new UserError(
      `cpu ${cpu} needs memory ${least / GIB}Gi or more (Cloud Run: 4 CPUs need 2Gi, 6 or 8 need 4Gi): raise memory or lower cpu.`,
    );
  }
}

export function checkFractionalCpu(cpu: string | undefined, concurrency: number | undefined): void {
  const millis = cpu === undefined ? undefined : cpuMillis(cpu);
  if (millis === undefined || millis >= 1000 || concurrency === 1) return;
  throw new UserError(
    `cpu ${cpu} is below 1, which Cloud Run allows only with concurrency 1: set concurrency: 1, or cpu: 1 or more.`,
  );
}

/** A whole number from `min` to `max` (inclusive); `what` says what it counts. */
export function checkWholeNumber(
  input: string,
  value: string,
  min: number,
  max: number,
  what: string,
): number {
  const number = WHOLE.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new UserError(`${input} ${shown(value)} must be a whole number ${range} (${what}).`);
  }
  return number;
}

export function checkInstanceBounds(min: number | undefined, max: number | undefined): void {
  if (min !== undefined && max !== undefined && min > max) {
    throw new UserError(
      `min-instances (${min}) is above max-instances (${max}): lower min-instances or raise max-instances.`,
    );
  }
}

/** Seconds from "300", "300s", "5m" or "1h"; at most 3600. */
export function checkTimeout(value: string): number {
  const match = /^(\d{1,5})(s|m|h)?$/.exec(value);
  const seconds = match ? Number(match[1]) * ({ s: 1, m: 60, h: 3600 }[match[2] ?? "s"] ?? 1) : 0;
  if (seconds < 1 || seconds > 3600) {
    throw new UserError(
      `timeout ${shown(value)} is not a request timeout Cloud Run takes: give 1 to 3600 seconds (300 or 300s) or minutes (5m), at most 60 minutes.`,
    );
  }
  return seconds;
}

export function checkChoice<T extends string>(input: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new UserError(`${input} ${shown(value)} is not one of ${choices.join(", ")}.`);
  }
  return value as T;
}

export function checkVpcNetwork(value: string): string {
  if (!NETWORK.test(value)) {
    throw new UserError(
      `vpc-network ${shown(value)} is not a VPC network: use its name (lowercase letters, digits and '-', at most 63) or projects/PROJECT/global/networks/NAME.`,
    );
  }
  return value;
}

export function checkVpcSubnet(value: string): string {
  if (!SUBNET.test(value)) {
    throw new UserError(
      `vpc-subnet ${shown(value)} is not a subnet: use its name (lowercase letters, digits and '-', at most 63) or projects/PROJECT/regions/REGION/subnetworks/NAME.`,
    );
  }
  return value;
}

/** A connector's name or full name; `region` is the service's: Cloud Run uses a connector of its region. */
export function checkVpcConnector(value: string, project: string, region: string): string {
  const match = CONNECTOR.exec(value);
  if (!match) {
    throw new UserError(
      `vpc-connector ${shown(value)} is not a Serverless VPC Access connector: use its name (at most 25 lowercase letters, digits and '-') or projects/PROJECT/locations/REGION/connectors/NAME.`,
    );
  }
  if (match[1] !== undefined && match[1] !== region) {
    throw new UserError(
      `vpc-connector is in ${match[1]} but the service is in ${region}: use a connector in ${region}.`,
    );
  }
  return match[1] === undefined ? `projects/${project}/locations/${region}/connectors/${value}` : value;
}

export interface VpcInputs {
  connector?: string;
  network?: string;
  subnet?: string;
  egress?: VpcEgress;
}

/** Direct VPC egress or a connector, not both; egress only with one of them. */
export function checkVpcChoice(vpc: VpcInputs): void {
  const direct = vpc.network !== undefined || vpc.subnet !== undefined;
  if (vpc.connector !== undefined && direct) {
    throw new UserError(
      "vpc-connector is set next to vpc-network/vpc-subnet: use Direct VPC egress (vpc-network, vpc-subnet) or a connector, not both.",
    );
  }
  if (vpc.egress !== undefined && vpc.connector === undefined && !direct) {
    throw new UserError(
      "vpc-egress is set without vpc-network, vpc-subnet or vpc-connector: name the network to send traffic through, or remove vpc-egress.",
    );
  }
}
