// The oci-functions models as the service serialises them (absent values are null, tags are
// objects): Application/ApplicationSummary and Function/FunctionSummary. invokeEndpoint is the
// emulator's own base URL, so FunctionsInvokeClient reaches it like any other endpoint.
import type { Json } from "../json.ts";
import type { ApplicationRecord, FunctionRecord } from "./functions-store.ts";

export function applicationModel(application: ApplicationRecord): Json {
  return {
    ...applicationSummaryModel(application),
    config: { ...application.config },
    syslogUrl: application.syslogUrl ?? null,
  };
}

export function applicationSummaryModel(application: ApplicationRecord): Json {
  return {
    id: application.id,
    compartmentId: application.compartmentId,
    displayName: application.displayName,
    lifecycleState: application.lifecycleState,
    subnetIds: [...application.subnetIds],
    shape: application.shape,
    networkSecurityGroupIds: [...application.networkSecurityGroupIds],
    traceConfig: { isEnabled: false, domainId: null },
    logging: null,
    freeformTags: { ...application.freeformTags },
    definedTags: { ...application.definedTags },
    timeCreated: application.timeCreated,
    timeUpdated: application.timeUpdated,
    imagePolicyConfig: { isPolicyEnabled: false, keyDetails: [] },
    securityAttributes: {},
  };
}

export function functionModel(fn: FunctionRecord, shape: string, invokeEndpoint: string): Json {
  return {
    ...functionSummaryModel(fn, shape, invokeEndpoint),
    config: { ...fn.config },
  };
}

export function functionSummaryModel(fn: FunctionRecord, shape: string, invokeEndpoint: string): Json {
  return {
    id: fn.id,
    displayName: fn.displayName,
    lifecycleState: fn.lifecycleState,
    applicationId: fn.applicationId,
    compartmentId: fn.compartmentId,
    image: fn.image,
    imageDigest: fn.imageDigest ?? null,
    sourceDetails: null,
    shape,
    memoryInMBs: fn.memoryInMBs,
    timeoutInSeconds: fn.timeoutInSeconds,
    provisionedConcurrencyConfig: { strategy: "NONE" },
    detachedModeTimeoutInSeconds: null,
    failureDestination: { kind: "NONE" },
    successDestination: { kind: "NONE" },
    traceConfig: { isEnabled: false },
    ...fn.passthrough,
    freeformTags: { ...fn.freeformTags },
    definedTags: { ...fn.definedTags },
    invokeEndpoint,
    timeCreated: fn.timeCreated,
    timeUpdated: fn.timeUpdated,
  };
}
