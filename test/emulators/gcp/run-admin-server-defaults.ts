// What Cloud Run fills in on a service it stores, so services.get answers with fields the deployer
// never sent. Applied to every create and patch, as the service does with each new revision template.
//
// Each default, and where it is written down:
// - template.containers[].resources.limits {cpu: "1000m", memory: "512Mi"}: "By default, Cloud Run
//   container instances are limited to 1 CPU" (https://cloud.google.com/run/docs/configuring/services/cpu);
//   "By default, the memory allocated to each instance of a revision is 512 MiB"
//   (https://cloud.google.com/run/docs/configuring/memory-limits). cpuIdle true: "Determines whether
//   CPU is only allocated during requests (true by default)" (ResourceRequirements in
//   @google-cloud/run build/protos/google/cloud/run/v2/k8s.min.proto).
// - template.containers[].ports [{name: "http1", containerPort: 8080}]: "Cloud Run defaults to sending
//   requests to 8080" (https://cloud.google.com/run/docs/migrating); "http1" is ContainerPort.name's
//   plain-HTTP value (k8s.min.proto).
// - template.maxInstanceRequestConcurrency 80: "If not specified or 0, concurrency defaults to 80 when
//   requested CPU >= 1 and defaults to 1 when requested CPU < 1" (RevisionTemplate, revision_template.proto).
// - template.timeout "300s": "Cloud Run: defaults to 300 seconds (5 minutes)"
//   (https://cloud.google.com/run/docs/reference/rest/v1/RevisionSpec, timeoutSeconds).
// - template.scaling.maxInstanceCount 100: "When unspecified, the field is set to the server default
//   value of 100" (RevisionScaling, vendor_settings.proto).
// - template.serviceAccount: "If not provided, the revision will use the project's default service
//   account" (revision_template.proto), the Compute Engine default account
//   PROJECT_NUMBER-compute@developer.gserviceaccount.com
//   (https://cloud.google.com/run/docs/securing/service-identity).
// - traffic [{type: TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST, percent: 100}]: "If traffic is empty or not
//   provided, defaults to 100% traffic to the latest Ready Revision" (Service, service.proto).
import type { Json } from "../json.ts";
import { enumName } from "./proto-shape.ts";

export const CONTAINER_DEFAULTS = {
  limits: { cpu: "1000m", memory: "512Mi" },
  port: { name: "http1", containerPort: 8080 },
} as const;
export const TEMPLATE_DEFAULTS = {
  maxInstanceRequestConcurrency: 80,
  timeout: "300s",
  maxInstanceCount: 100,
} as const;
export const LATEST_TRAFFIC = { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 } as const;

/** A copy of the service body with Cloud Run's defaults filled in; enums by name. */
export function withServiceDefaults(body: Json, projectNumber: string): Json {
  const service = structuredClone(body);
  const template = objectOf(service.template);
  service.template = template;
  if (Array.isArray(template.containers)) {
    template.containers = template.containers.map((container) => fillContainer(objectOf(container)));
  }
  if (!template.maxInstanceRequestConcurrency) {
    // "... defaults to 80 when requested CPU >= 1 and defaults to 1 when requested CPU < 1".
    template.maxInstanceRequestConcurrency = belowOneCpu(template)
      ? 1
      : TEMPLATE_DEFAULTS.maxInstanceRequestConcurrency;
  }
  template.timeout ??= TEMPLATE_DEFAULTS.timeout;
  const scaling = objectOf(template.scaling);
  if (!scaling.maxInstanceCount) scaling.maxInstanceCount = TEMPLATE_DEFAULTS.maxInstanceCount;
  template.scaling = scaling;
  if (!template.serviceAccount) {
    template.serviceAccount = `${projectNumber}-compute@developer.gserviceaccount.com`;
  }
  if (!Array.isArray(service.traffic) || service.traffic.length === 0) {
    service.traffic = [{ ...LATEST_TRAFFIC }];
  } else {
    // Stored by name, whichever encoding the client sent (render turns names into numbers on request).
    service.traffic = service.traffic.map((target: Json) => ({
      ...target,
      type: enumName("google.cloud.run.v2.TrafficTargetAllocationType", target.type) ?? target.type,
    }));
  }
  return service;
}

function fillContainer(container: Json): Json {
  const resources = objectOf(container.resources);
  // A caller that sends resources without cpuIdle gets false (the proto default), as the docs warn.
  if (container.resources === undefined || container.resources === null) resources.cpuIdle = true;
  resources.limits = { ...CONTAINER_DEFAULTS.limits, ...objectOf(resources.limits) };
  container.resources = resources;
  if (!Array.isArray(container.ports) || container.ports.length === 0) {
    container.ports = [{ ...CONTAINER_DEFAULTS.port }];
  }
  return container;
}

function belowOneCpu(template: Json): boolean {
  const containers = Array.isArray(template.containers) ? (template.containers as Json[]) : [];
  const cpu = String(objectOf(objectOf(containers[0]?.resources).limits).cpu ?? "1");
  const millis = /^(\d+)m$/.exec(cpu)?.[1];
  return (millis === undefined ? Number(cpu) * 1000 : Number(millis)) < 1000;
}

function objectOf(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...(value as Json) } : {};
}
