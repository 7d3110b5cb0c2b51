// OCI Functions resources: applications (a compartment-scoped group with network and config) and
// the functions in them. Functions move CREATING/UPDATING -> ACTIVE after a delay measured on the
// emulator clock, settled lazily when read, so no timers outlive a test. Which code runs for an
// image is test configuration: registerFunctionCode maps an image repository to a function
// directory, and examples/hello serves every other image the registry holds.
import { resolve } from "node:path";
import { conflict, incorrectState, invalidParameter, notAuthorizedOrNotFound } from "./errors.ts";
import { newOcid } from "./ocid.ts";

export type LifecycleState =
  | "CREATING"
  | "ACTIVE"
  | "UPDATING"
  | "INACTIVE"
  | "DELETING"
  | "DELETED"
  | "FAILED";

export interface ApplicationRecord {
  id: string;
  tenancyId: string;
  compartmentId: string;
  displayName: string;
  lifecycleState: LifecycleState;
  config: Record<string, string>;
  subnetIds: string[];
  shape: string;
  networkSecurityGroupIds: string[];
  syslogUrl: string | undefined;
  freeformTags: Record<string, string>;
  definedTags: Record<string, unknown>;
  timeCreated: string;
  timeUpdated: string;
  /** Creation order, to sort by time deterministically when timestamps tie. */
  sequence: number;
}

/** Model fields the emulator stores but does not interpret (concurrency, destinations, tracing). */
export const PASSTHROUGH_FUNCTION_FIELDS = [
  "provisionedConcurrencyConfig",
  "detachedModeTimeoutInSeconds",
  "failureDestination",
  "successDestination",
  "traceConfig",
  "sourceDetails",
] as const;

export interface FunctionRecord {
  id: string;
  tenancyId: string;
  applicationId: string;
  compartmentId: string;
  displayName: string;
  lifecycleState: LifecycleState;
  image: string;
  /** Pinned at create/update from the registry (as OCI does), or as the client sent it. */
  imageDigest: string | undefined;
  memoryInMBs: number;
  timeoutInSeconds: number;
  config: Record<string, string>;
  freeformTags: Record<string, string>;
  definedTags: Record<string, unknown>;
  passthrough: Record<string, unknown>;
  timeCreated: string;
  timeUpdated: string;
  sequence: number;
  /** Emulator-clock time (ms) at which CREATING/UPDATING becomes `settlesTo`. */
  settlesAt: number | undefined;
  /** ACTIVE, or FAILED when a test asked for a failing deployment (a bad image, a subnet without room); DELETED after a delete. */
  settlesTo: "ACTIVE" | "FAILED" | "DELETED";
}

/** Tests seed applications (fngate never creates one): a name, and the shape when not GENERIC_X86. */
export interface NewApplication {
  compartmentId: string;
  displayName: string;
  shape?: string;
}

export interface NewFunction {
  applicationId: string;
  displayName: string;
  image: string;
  imageDigest?: string | undefined;
  memoryInMBs: number;
  timeoutInSeconds?: number | undefined;
  config?: Record<string, string> | undefined;
  freeformTags?: Record<string, string> | undefined;
  definedTags?: Record<string, unknown> | undefined;
  passthrough?: Record<string, unknown>;
}

export type FunctionChanges = Partial<
  Pick<
    FunctionRecord,
    "image" | "imageDigest" | "memoryInMBs" | "timeoutInSeconds" | "config" | "freeformTags" | "definedTags"
  >
> & { passthrough?: Record<string, unknown> };

export interface FunctionsStoreOptions {
  now: () => Date;
  /** Tenancy owning a compartment OCID, undefined when unknown. */
  tenancyOf: (compartmentId: string) => string | undefined;
  /** How long CREATING and UPDATING last. */
  functionActiveDelayMs: number;
}

/** The example every registry image runs unless a test registers other code for it. */
export const DEFAULT_FUNCTION_DIR = resolve(import.meta.dirname, "../../../examples/hello");
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 30;

export class FunctionsStore {
  readonly applications = new Map<string, ApplicationRecord>();
  readonly functions = new Map<string, FunctionRecord>();
  readonly #codeDirs = new Map<string, string>();
  readonly #options: FunctionsStoreOptions;
  #failuresToInject = 0;
  #sequence = 0;

  constructor(options: FunctionsStoreOptions) {
    this.#options = options;
  }

  createApplication(input: NewApplication): ApplicationRecord {
    const tenancyId = this.#options.tenancyOf(input.compartmentId);
    if (!tenancyId) throw notAuthorizedOrNotFound();
    for (const existing of this.applications.values()) {
      if (existing.compartmentId === input.compartmentId && existing.displayName === input.displayName) {
        throw conflict(`An application named ${input.displayName} already exists in the compartment.`);
      }
    }
    const time = this.#options.now().toISOString();
    // Applications are usable at once in OCI: create returns them ACTIVE.
    const application: ApplicationRecord = {
      id: newOcid("fnapp"),
      tenancyId,
      compartmentId: input.compartmentId,
      displayName: input.displayName,
      lifecycleState: "ACTIVE",
      config: {},
      subnetIds: [newOcid("subnet")],
      shape: input.shape ?? "GENERIC_X86",
      networkSecurityGroupIds: [],
      syslogUrl: undefined,
      freeformTags: {},
      definedTags: {},
      timeCreated: time,
      timeUpdated: time,
      sequence: ++this.#sequence,
    };
    this.applications.set(application.id, application);
    return application;
  }

  createFunction(input: NewFunction): FunctionRecord {
    const application = this.applications.get(input.applicationId);
    if (!application) throw notAuthorizedOrNotFound();
    if (application.lifecycleState !== "ACTIVE") {
      throw incorrectState(`Application ${application.id} is ${application.lifecycleState}.`);
    }
    for (const existing of this.functions.values()) {
      this.settle(existing);
      if (
        existing.applicationId === input.applicationId &&
        existing.displayName === input.displayName &&
        existing.lifecycleState !== "DELETED"
      ) {
        throw conflict(
          `A function named ${input.displayName} already exists in application ${application.displayName}.`,
        );
      }
    }
    const now = this.#options.now();
    const fn: FunctionRecord = {
      id: newOcid("fnfunc"),
      tenancyId: application.tenancyId,
      applicationId: application.id,
      compartmentId: application.compartmentId,
      displayName: input.displayName,
      lifecycleState: "CREATING",
      image: input.image,
      imageDigest: input.imageDigest,
      memoryInMBs: input.memoryInMBs,
      timeoutInSeconds: input.timeoutInSeconds ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS,
      config: { ...input.config },
      freeformTags: { ...input.freeformTags },
      definedTags: { ...input.definedTags },
      passthrough: { ...input.passthrough },
      timeCreated: now.toISOString(),
      timeUpdated: now.toISOString(),
      sequence: ++this.#sequence,
      settlesAt: now.getTime() + this.#options.functionActiveDelayMs,
      settlesTo: this.#nextOutcome(),
    };
    this.functions.set(fn.id, this.settle(fn));
    return fn;
  }

  /** Applies an update to an ACTIVE function; the caller has checked if-match. */
  updateFunction(fn: FunctionRecord, changes: FunctionChanges): FunctionRecord {
    this.settle(fn);
    if (fn.lifecycleState !== "ACTIVE") {
      throw incorrectState(
        `Function ${fn.id} is ${fn.lifecycleState} and cannot be updated until it is ACTIVE.`,
      );
    }
    const { passthrough, ...fields } = changes;
    Object.assign(fn, fields);
    if (passthrough) Object.assign(fn.passthrough, passthrough);
    this.#startTransition(fn, "UPDATING", this.#nextOutcome());
    return this.settle(fn);
  }

  /**
   * Starts deleting a function: DELETING, then DELETED after the same delay as other transitions. A
   * deleted function stays readable (and listed) as DELETED, and its name can be used again, as on OCI
   * (https://docs.oracle.com/en-us/iaas/Content/Functions/Tasks/functionsdeletingfunctions-about.htm).
   */
  deleteFunction(fn: FunctionRecord): void {
    this.settle(fn);
    if (fn.lifecycleState === "DELETED") throw notAuthorizedOrNotFound();
    if (!["ACTIVE", "FAILED", "INACTIVE"].includes(fn.lifecycleState)) {
      throw incorrectState(
        `Function ${fn.id} is ${fn.lifecycleState} and cannot be deleted until it settles.`,
      );
    }
    this.#startTransition(fn, "DELETING", "DELETED");
  }

  /** `fn` is `state` until the active delay has passed on the emulator clock, then `settlesTo`. */
  #startTransition(fn: FunctionRecord, state: LifecycleState, settlesTo: FunctionRecord["settlesTo"]): void {
    const now = this.#options.now();
    fn.lifecycleState = state;
    fn.timeUpdated = now.toISOString();
    fn.settlesAt = now.getTime() + this.#options.functionActiveDelayMs;
    fn.settlesTo = settlesTo;
  }

  /** Makes the next `count` function creates or updates end in FAILED instead of ACTIVE. */
  failNextTransitions(count = 1): void {
    this.#failuresToInject += count;
  }

  #nextOutcome(): "ACTIVE" | "FAILED" {
    if (this.#failuresToInject === 0) return "ACTIVE";
    this.#failuresToInject--;
    return "FAILED";
  }

  /** Completes a pending transition whose time has come; every read goes through here. */
  settle(fn: FunctionRecord): FunctionRecord {
    if (fn.settlesAt !== undefined && this.#options.now().getTime() >= fn.settlesAt) {
      fn.lifecycleState = fn.settlesTo;
      fn.settlesAt = undefined;
    }
    return fn;
  }

  /**
   * Runs `dir` (a function directory with func.yaml or func.js) for images of `repository`: the
   * path inside the registry, with or without the leading tenancy namespace.
   */
  registerFunctionCode(repository: string, dir: string): void {
    if (!repository) throw invalidParameter("registerFunctionCode needs a repository name");
    this.#codeDirs.set(repository.replace(/^\/+|\/+$/g, ""), resolve(dir));
  }

  codeDirFor(repository: string): string {
    const withoutNamespace = repository.split("/").slice(1).join("/");
    return this.#codeDirs.get(repository) ?? this.#codeDirs.get(withoutNamespace) ?? DEFAULT_FUNCTION_DIR;
  }
}
