// API Gateway resources: gateways (seeded by tests, ACTIVE at once), deployments and the work
// requests that create and update them. A work request is ACCEPTED, then IN_PROGRESS, then
// SUCCEEDED (or FAILED when a test asked for it) on the emulator clock; the deployment is
// CREATING/UPDATING until then and ACTIVE after. The data plane serves a specification only
// `propagationDelayMs` after its work request finished: until then the previous one applies, as
// on OCI where a deployment change takes a moment to reach every gateway node. Everything settles
// lazily on read, so no timers outlive a test.
import { randomBytes } from "node:crypto";
import {
  type DeploymentRecord,
  type GatewayRecord,
  type WorkRequestRecord,
  workRequestStatus,
} from "./apigateway-records.ts";
import type { ApiSpec } from "./apigateway-spec.ts";
import { conflict, incorrectState, invalidParameter, notAuthorizedOrNotFound } from "./errors.ts";
import { newOcid } from "./ocid.ts";

export interface ApiGatewayTimings {
  /** How long a work request stays ACCEPTED; default 20 ms. */
  workRequestAcceptedMs: number;
  /** How long it then stays IN_PROGRESS; default 50 ms. */
  workRequestInProgressMs: number;
  /** From a work request's end until the data plane serves the new specification; default 0. */
  propagationDelayMs: number;
}

export const DEFAULT_API_GATEWAY_TIMINGS: ApiGatewayTimings = {
  workRequestAcceptedMs: 20,
  workRequestInProgressMs: 50,
  propagationDelayMs: 0,
};

export interface ApiGatewayStoreOptions {
  now: () => Date;
  tenancyOf: (compartmentId: string) => string | undefined;
  /** Region in gateway hostnames; default us-phoenix-1. */
  region?: string;
  timings?: Partial<ApiGatewayTimings>;
}

export interface NewDeployment {
  gatewayId: string;
  compartmentId: string;
  pathPrefix: string;
  displayName: string | undefined;
  specification: Record<string, unknown>;
  spec: ApiSpec;
  freeformTags: Record<string, string> | undefined;
  definedTags: Record<string, unknown> | undefined;
}

export interface DeploymentChanges {
  displayName?: string;
  specification?: { raw: Record<string, unknown>; spec: ApiSpec };
  freeformTags?: Record<string, string>;
  definedTags?: Record<string, unknown>;
}

export class ApiGatewayStore {
  readonly gateways = new Map<string, GatewayRecord>();
  readonly deployments = new Map<string, DeploymentRecord>();
  readonly workRequests = new Map<string, WorkRequestRecord>();
  /** Mutable so a test can change delays between steps. */
  readonly timings: ApiGatewayTimings;
  readonly region: string;
  /** Base URL of the gateway data plane once one is attached; deployment endpoints use it. */
  dataPlaneUrl: string | undefined;
  readonly #options: ApiGatewayStoreOptions;
  readonly #failures: Array<{ code: string; message: string }> = [];
  #sequence = 0;

  constructor(options: ApiGatewayStoreOptions) {
    this.#options = options;
    this.region = options.region ?? "us-phoenix-1";
    this.timings = { ...DEFAULT_API_GATEWAY_TIMINGS, ...options.timings };
  }

  createGateway(input: { compartmentId: string; displayName?: string }): GatewayRecord {
    const tenancyId = this.#options.tenancyOf(input.compartmentId);
    if (!tenancyId) throw new Error(`unknown compartment ${input.compartmentId}`);
    const time = this.#nowIso();
    // Real hostnames have a 26-character random label; it also addresses the gateway on loopback.
    const label = randomBytes(16).toString("hex").slice(0, 26);
    const gateway: GatewayRecord = {
      id: newOcid("apigateway", "phx"),
      tenancyId,
      compartmentId: input.compartmentId,
      displayName: input.displayName ?? `gateway-${this.#sequence + 1}`,
      hostname: `${label}.apigateway.${this.region}.oci.customer-oci.com`,
      subnetId: newOcid("subnet", "phx"),
      lifecycleState: "ACTIVE",
      timeCreated: time,
      timeUpdated: time,
      sequence: ++this.#sequence,
    };
    this.gateways.set(gateway.id, gateway);
    return gateway;
  }

  /** The next `count` deployment work requests end FAILED with this error. */
  failNextWorkRequests(count: number, error: { code?: string; message?: string } = {}): void {
    for (let n = 0; n < count; n += 1) {
      this.#failures.push({
        code: error.code ?? "InternalError",
        message: error.message ?? "The deployment could not be applied to the gateway.",
      });
    }
  }

  createDeployment(input: NewDeployment): { deployment: DeploymentRecord; workRequest: WorkRequestRecord } {
    const gateway = this.gateways.get(input.gatewayId);
    if (!gateway || gateway.tenancyId !== this.#options.tenancyOf(input.compartmentId)) {
      throw notAuthorizedOrNotFound();
    }
    if (gateway.lifecycleState !== "ACTIVE")
      throw incorrectState(`Gateway ${gateway.id} is ${gateway.lifecycleState}.`);
    for (const existing of this.deployments.values()) {
      this.settle(existing);
      if (
        existing.gatewayId === gateway.id &&
        existing.pathPrefix === input.pathPrefix &&
        existing.lifecycleState !== "FAILED" &&
        existing.lifecycleState !== "DELETED"
      ) {
        throw conflict(
          `A deployment with path prefix ${input.pathPrefix} already exists on gateway ${gateway.id}.`,
        );
      }
    }
    const time = this.#nowIso();
    const deployment: DeploymentRecord = {
      id: newOcid("apideployment", "phx"),
      tenancyId: gateway.tenancyId,
      gatewayId: gateway.id,
      compartmentId: input.compartmentId,
      displayName: input.displayName ?? `deployment-${this.#sequence + 1}`,
      pathPrefix: input.pathPrefix,
      specification: input.specification,
      lifecycleState: "CREATING",
      lifecycleDetails: undefined,
      freeformTags: { ...input.freeformTags },
      definedTags: { ...input.definedTags },
      timeCreated: time,
      timeUpdated: time,
      sequence: ++this.#sequence,
      pendingWorkRequestId: undefined,
      served: [],
    };
    this.deployments.set(deployment.id, deployment);
    const workRequest = this.#startWorkRequest(deployment, "CREATE_DEPLOYMENT", input.spec);
    return { deployment, workRequest };
  }

  /** Starts an update of an ACTIVE deployment; the caller has checked if-match. */
  updateDeployment(deployment: DeploymentRecord, changes: DeploymentChanges): WorkRequestRecord {
    this.settle(deployment);
    if (deployment.lifecycleState !== "ACTIVE") {
      throw incorrectState(
        `Deployment ${deployment.id} is ${deployment.lifecycleState} and cannot be updated until it is ACTIVE.`,
      );
    }
    if (changes.displayName !== undefined) deployment.displayName = changes.displayName;
    if (changes.freeformTags !== undefined) deployment.freeformTags = changes.freeformTags;
    if (changes.definedTags !== undefined) deployment.definedTags = changes.definedTags;
    const spec = changes.specification?.spec ?? deployment.served.at(-1)?.spec;
    if (!spec) throw invalidParameter("specification is required.");
    const previousSpecification = deployment.specification;
    if (changes.specification) deployment.specification = changes.specification.raw;
    deployment.lifecycleState = "UPDATING";
    deployment.lifecycleDetails = undefined;
    deployment.timeUpdated = this.#nowIso();
    return this.#startWorkRequest(deployment, "UPDATE_DEPLOYMENT", spec, previousSpecification);
  }

  /**
   * Starts deleting an ACTIVE (or FAILED) deployment through a DELETE_DEPLOYMENT work request; it is
   * DELETING until that finishes, then DELETED, still listed, and no longer served. The caller has
   * checked if-match.
   */
  deleteDeployment(deployment: DeploymentRecord): WorkRequestRecord {
    this.settle(deployment);
    if (deployment.lifecycleState === "DELETED") throw notAuthorizedOrNotFound();
    if (deployment.lifecycleState !== "ACTIVE" && deployment.lifecycleState !== "FAILED") {
      throw incorrectState(
        `Deployment ${deployment.id} is ${deployment.lifecycleState} and cannot be deleted until it settles.`,
      );
    }
    const spec = deployment.served.at(-1)?.spec ?? { authentication: undefined, routes: [] };
    deployment.lifecycleState = "DELETING";
    deployment.lifecycleDetails = undefined;
    deployment.timeUpdated = this.#nowIso();
    const request = this.#startWorkRequest(deployment, "DELETE_DEPLOYMENT", spec);
    // Nothing new is served: the scheduled entry only marks the work request in flight.
    deployment.served = deployment.served.filter((served) => served.workRequestId !== request.id);
    return request;
  }

  /** Completes the deployment's pending work request if its time has come; reads go through here. */
  settle(deployment: DeploymentRecord): DeploymentRecord {
    const request = deployment.pendingWorkRequestId
      ? this.workRequests.get(deployment.pendingWorkRequestId)
      : undefined;
    if (!request) return deployment;
    const status = workRequestStatus(request, this.#nowMs());
    if (status !== "SUCCEEDED" && status !== "FAILED") return deployment;
    deployment.pendingWorkRequestId = undefined;
    deployment.timeUpdated = new Date(request.finishedAt).toISOString();
    if (status === "SUCCEEDED" && request.operationType === "DELETE_DEPLOYMENT") {
      deployment.lifecycleState = "DELETED";
      deployment.served = [];
      return deployment;
    }
    if (status === "SUCCEEDED") {
      deployment.lifecycleState = "ACTIVE";
      return deployment;
    }
    // A failed create leaves a FAILED deployment; a failed update keeps serving the old spec.
    deployment.lifecycleState = request.operationType === "CREATE_DEPLOYMENT" ? "FAILED" : "ACTIVE";
    deployment.lifecycleDetails = request.failure?.message;
    if (request.previousSpecification) deployment.specification = request.previousSpecification;
    const index = deployment.served.findIndex((served) => served.workRequestId === request.id);
    if (index >= 0) deployment.served.splice(index, 1);
    return deployment;
  }

  /** The specification the data plane applies to `deployment` now, if any. */
  servedSpec(deployment: DeploymentRecord): ApiSpec | undefined {
    this.settle(deployment);
    const now = this.#nowMs();
    let current: ApiSpec | undefined;
    for (const served of deployment.served) if (served.effectiveAt <= now) current = served.spec;
    return current;
  }

  gatewayByHostname(hostname: string): GatewayRecord | undefined {
    const wanted = hostname.toLowerCase();
    for (const gateway of this.gateways.values()) if (gateway.hostname === wanted) return gateway;
    return undefined;
  }

  /** The first label of the hostname: how loopback clients name a gateway in the path. */
  gatewayByLabel(label: string): GatewayRecord | undefined {
    return this.gatewayByHostname(`${label}.apigateway.${this.region}.oci.customer-oci.com`);
  }

  /** `https://<data plane>/<label><pathPrefix>`, or OCI's own form while no data plane runs. */
  endpointOf(deployment: DeploymentRecord): string {
    const gateway = this.gateways.get(deployment.gatewayId);
    const hostname = gateway?.hostname ?? "unknown";
    const prefix = deployment.pathPrefix === "/" ? "" : deployment.pathPrefix;
    if (this.dataPlaneUrl === undefined) return `https://${hostname}${prefix}`;
    return `${this.dataPlaneUrl}/${hostname.split(".")[0]}${prefix}`;
  }

  #startWorkRequest(
    deployment: DeploymentRecord,
    operationType: WorkRequestRecord["operationType"],
    spec: ApiSpec,
    previousSpecification?: Record<string, unknown>,
  ): WorkRequestRecord {
    const now = this.#nowMs();
    const startedAt = now + this.timings.workRequestAcceptedMs;
    const request: WorkRequestRecord = {
      id: newOcid("apigatewayworkrequest", "phx"),
      tenancyId: deployment.tenancyId,
      compartmentId: deployment.compartmentId,
      operationType,
      deploymentId: deployment.id,
      acceptedAt: now,
      startedAt,
      finishedAt: startedAt + this.timings.workRequestInProgressMs,
      failure: this.#failures.shift(),
      previousSpecification,
      sequence: ++this.#sequence,
    };
    this.workRequests.set(request.id, request);
    deployment.pendingWorkRequestId = request.id;
    // Scheduled now, withdrawn by settle() if the work request fails.
    deployment.served.push({
      spec,
      effectiveAt: request.finishedAt + this.timings.propagationDelayMs,
      workRequestId: request.id,
    });
    deployment.served.sort((a, b) => a.effectiveAt - b.effectiveAt);
    return request;
  }

  #nowMs(): number {
    return this.#options.now().getTime();
  }

  #nowIso(): string {
    return this.#options.now().toISOString();
  }
}
