// The API Gateway resources the emulator keeps (gateways, deployments, work requests) and their
// wire shapes, exactly the oci-apigateway models (Gateway, Deployment, DeploymentSummary,
// WorkRequest, WorkRequestError). Records hold emulator-only bookkeeping (tenancy, settle
// times, the specification versions the data plane serves); the model functions drop it.
import type { Json } from "../json.ts";
import type { ApiSpec } from "./apigateway-spec.ts";

export type ApiGatewayLifecycleState = "CREATING" | "ACTIVE" | "UPDATING" | "DELETING" | "DELETED" | "FAILED";

export interface GatewayRecord {
  id: string;
  tenancyId: string;
  compartmentId: string;
  displayName: string;
  /** `<label>.apigateway.<region>.oci.customer-oci.com`; the label addresses it on loopback. */
  hostname: string;
  subnetId: string;
  lifecycleState: ApiGatewayLifecycleState;
  timeCreated: string;
  timeUpdated: string;
  sequence: number;
}

/** One specification the data plane serves from `effectiveAt` (emulator-clock ms) on. */
export interface ServedSpec {
  spec: ApiSpec;
  effectiveAt: number;
  /** The work request that brought it; a failed one withdraws it. */
  workRequestId: string;
}

export interface DeploymentRecord {
  id: string;
  tenancyId: string;
  gatewayId: string;
  compartmentId: string;
  displayName: string;
  pathPrefix: string;
  /** The specification as the client sent it, echoed back on reads. */
  specification: Json;
  lifecycleState: ApiGatewayLifecycleState;
  lifecycleDetails: string | undefined;
  freeformTags: Record<string, string>;
  definedTags: Json;
  timeCreated: string;
  timeUpdated: string;
  sequence: number;
  /** The work request whose outcome settles the pending CREATING/UPDATING state. */
  pendingWorkRequestId: string | undefined;
  /** Versions in effect order; the data plane picks the newest whose time has come. */
  served: ServedSpec[];
}

export type WorkRequestStatus = "ACCEPTED" | "IN_PROGRESS" | "SUCCEEDED" | "FAILED";

export interface WorkRequestRecord {
  id: string;
  tenancyId: string;
  compartmentId: string;
  operationType: "CREATE_DEPLOYMENT" | "UPDATE_DEPLOYMENT" | "DELETE_DEPLOYMENT";
  deploymentId: string;
  /** Emulator-clock ms of ACCEPTED, IN_PROGRESS and the final status. */
  acceptedAt: number;
  startedAt: number;
  finishedAt: number;
  /** Set when a test made this work request fail; reported once it finishes. */
  failure: { code: string; message: string } | undefined;
  /** What an update replaced, restored when it fails. */
  previousSpecification: Json | undefined;
  sequence: number;
}

export function gatewayModel(gateway: GatewayRecord): Json {
  return {
    id: gateway.id,
    displayName: gateway.displayName,
    compartmentId: gateway.compartmentId,
    endpointType: "PUBLIC",
    subnetId: gateway.subnetId,
    networkSecurityGroupIds: [],
    timeCreated: gateway.timeCreated,
    timeUpdated: gateway.timeUpdated,
    lifecycleState: gateway.lifecycleState,
    hostname: gateway.hostname,
    ipMode: "IPV4",
    locks: [],
    freeformTags: {},
    definedTags: {},
    systemTags: {},
    ipAddresses: [{ ipAddress: "127.0.0.1" }],
    caBundles: [],
    responseCacheDetails: { type: "NONE" },
  };
}

export function deploymentSummaryModel(deployment: DeploymentRecord, endpoint: string): Json {
  return {
    id: deployment.id,
    gatewayId: deployment.gatewayId,
    displayName: deployment.displayName,
    compartmentId: deployment.compartmentId,
    pathPrefix: deployment.pathPrefix,
    endpoint,
    timeCreated: deployment.timeCreated,
    timeUpdated: deployment.timeUpdated,
    lifecycleState: deployment.lifecycleState,
    ...(deployment.lifecycleDetails === undefined ? {} : { lifecycleDetails: deployment.lifecycleDetails }),
    locks: [],
    freeformTags: { ...deployment.freeformTags },
    definedTags: structuredClone(deployment.definedTags),
    systemTags: {},
  };
}

export function deploymentModel(deployment: DeploymentRecord, endpoint: string): Json {
  return {
    ...deploymentSummaryModel(deployment, endpoint),
    specification: structuredClone(deployment.specification),
  };
}

export function workRequestStatus(request: WorkRequestRecord, nowMs: number): WorkRequestStatus {
  if (nowMs >= request.finishedAt) return request.failure ? "FAILED" : "SUCCEEDED";
  return nowMs >= request.startedAt ? "IN_PROGRESS" : "ACCEPTED";
}

const PERCENT: Record<WorkRequestStatus, number> = {
  ACCEPTED: 0,
  IN_PROGRESS: 50,
  SUCCEEDED: 100,
  FAILED: 100,
};

const DONE_ACTION: Record<WorkRequestRecord["operationType"], string> = {
  CREATE_DEPLOYMENT: "CREATED",
  UPDATE_DEPLOYMENT: "UPDATED",
  DELETE_DEPLOYMENT: "DELETED",
};

export function workRequestModel(request: WorkRequestRecord, nowMs: number): Json {
  const status = workRequestStatus(request, nowMs);
  const done = status === "SUCCEEDED" ? DONE_ACTION[request.operationType] : status;
  return {
    id: request.id,
    operationType: request.operationType,
    status,
    compartmentId: request.compartmentId,
    resources: [
      {
        entityType: "deployment",
        actionType: status === "ACCEPTED" ? "IN_PROGRESS" : done,
        identifier: request.deploymentId,
        entityUri: `/deployments/${request.deploymentId}`,
      },
    ],
    percentComplete: PERCENT[status],
    timeAccepted: new Date(request.acceptedAt).toISOString(),
    ...(status === "ACCEPTED" ? {} : { timeStarted: new Date(request.startedAt).toISOString() }),
    ...(status === "SUCCEEDED" || status === "FAILED"
      ? { timeFinished: new Date(request.finishedAt).toISOString() }
      : {}),
  };
}
