// Function Compute 3.0's control plane subset fc-deploy uses (CreateFunction, GetFunction,
// UpdateFunction) and InvokeFunction. Attaching a role checks what FC and RAM check: the role exists,
// trusts fc.aliyuncs.com, and the caller may pass it (ram:PassRole). Functions stay Pending (after
// create) or InProgress (after update) for a configurable delay, as FC's state machine does.

import { randomUUID } from "node:crypto";
import type { Json } from "../json.ts";
import { checkAcrInstance } from "./acr-instances.ts";
import { AcsError, acs } from "./errors.ts";
import { resolveQualifier } from "./fc-versions.ts";
import { type CheckedBody, CONTAINER_RUNTIME, checkFunctionBody, codeChecksum } from "./function-model.ts";
import { runInvocation } from "./function-runner.ts";
import { functionDefaults } from "./function-server-defaults.ts";
import { jsonBody } from "./request-body.ts";
import type { AlibabaState, Principal, StoredFunction } from "./state.ts";
import type { StsService } from "./sts.ts";
import { checkTags } from "./tag-rules.ts";

export interface FcAnswer {
  status: number;
  body: Buffer | Json;
  headers?: Record<string, string>;
}

export interface FcApiOptions {
  state: AlibabaState;
  sts: StsService;
  caFile: string;
  activeDelayMs: number;
  now: () => Date;
}

const PREFIX = "/2023-03-30/functions";

export function fcOperation(method: string, path: string): { operation: string; name?: string } | undefined {
  if (path === PREFIX && method === "POST") return { operation: "CreateFunction" };
  const match = /^\/2023-03-30\/functions\/([^/]+)(\/invocations)?$/.exec(path);
  if (!match?.[1]) return undefined;
  const name = decodeURIComponent(match[1]);
  if (match[2]) return method === "POST" ? { operation: "InvokeFunction", name } : undefined;
  if (method === "GET") return { operation: "GetFunction", name };
  if (method === "PUT") return { operation: "UpdateFunction", name };
  return undefined;
}

export class FcApi {
  readonly #options: FcApiOptions;

  constructor(options: FcApiOptions) {
    this.#options = options;
  }

  async handle(
    operation: string,
    name: string | undefined,
    body: Buffer,
    caller: Principal,
    qualifier = "LATEST",
  ): Promise<FcAnswer> {
    switch (operation) {
      case "CreateFunction":
        return this.#create(jsonBody(body), caller);
      case "GetFunction":
        return { status: 200, body: this.#view(this.#function(name ?? "")) };
      case "UpdateFunction":
        return this.#update(name ?? "", jsonBody(body), caller);
      case "InvokeFunction":
        return this.#invoke(name ?? "", body, qualifier);
      default:
        throw acs.notFound(operation);
    }
  }

  #create(body: unknown, caller: Principal): FcAnswer {
    const { state } = this.#options;
    const checked = checkFunctionBody(body, "create");
    const name = String(checked.fields.functionName);
    if (state.functions.has(name)) throw acs.functionExists(name);
    checkTags(checked.fields.tags);
    this.#checkRole(checked.fields.role, caller);
    this.#checkImage(checked);
    const now = this.#options.now();
    const record: Json = {
      functionName: name,
      functionId: randomUUID(),
      functionArn: `acs:fc:${state.region}:${state.accountId}:functions/${name}`,
      // What GetFunction shows for settings the request left out (function-server-defaults.ts).
      ...functionDefaults(checked.fields),
      createdTime: now.toISOString(),
      ...withoutCode(checked.fields),
    };
    applyCode(record, checked);
    record.lastModifiedTime = now.toISOString();
    state.functions.set(name, {
      body: record,
      ...(checked.zip ? { zip: checked.zip } : {}),
      activeAt: now.getTime() + this.#options.activeDelayMs,
      settling: "create",
    });
    return { status: 200, body: this.#view(state.functions.get(name)) };
  }

  #update(name: string, body: unknown, caller: Principal): FcAnswer {
    const stored = this.#function(name);
    if (this.#options.now().getTime() < stored.activeAt)
      throw new AcsError(409, "ConcurrentUpdateError", `function '${name}' is being updated; retry later`);
    const checked = checkFunctionBody(body, "update", stored.body);
    if ("role" in checked.fields) this.#checkRole(checked.fields.role, caller);
    this.#checkImage(checked, stored.body);
    Object.assign(stored.body, withoutCode(checked.fields));
    applyCode(stored.body, checked);
    if (checked.zip) stored.zip = checked.zip;
    stored.body.lastModifiedTime = this.#options.now().toISOString();
    stored.activeAt = this.#options.now().getTime() + this.#options.activeDelayMs;
    stored.settling = "update";
    return { status: 200, body: this.#view(stored) };
  }

  async #invoke(name: string, event: Buffer, qualifier: string): Promise<FcAnswer> {
    const { state } = this.#options;
    const now = this.#options.now();
    if (now.getTime() < this.#function(name).activeAt)
      throw new AcsError(409, "FunctionNotActive", `function '${name}' is not active yet`);
    // A version or alias runs the code and configuration it was published with (fc-versions.ts).
    const stored = resolveQualifier(state, name, qualifier);
    const spec = stored.body;
    const role = String(spec.role ?? "");
    const credentials = role ? this.#options.sts.assumeRoleForService(role, name, now) : undefined;
    const requestId = state.requestId();
    const image =
      spec.runtime === CONTAINER_RUNTIME
        ? state.images.get(String((spec.customContainerConfig as { image: string }).image))
        : undefined;
    const runtime = String(spec.runtime);
    if (runtime !== CONTAINER_RUNTIME && !runtime.startsWith("nodejs") && !runtime.startsWith("custom"))
      throw new AcsError(
        501,
        "NotImplemented",
        `the emulator runs nodejs and custom runtimes and containers, not ${runtime}`,
      );
    const outcome = await runInvocation({
      functionName: name,
      region: state.region,
      accountId: state.accountId,
      requestId,
      spec,
      ...(stored.zip ? { zip: stored.zip } : {}),
      ...(image ? { image } : {}),
      event,
      ...(credentials ? { credentials } : {}),
      caFile: this.#options.caFile,
    });
    return {
      status: outcome.status,
      body: outcome.body,
      headers: {
        "x-fc-request-id": requestId,
        "content-type": "application/octet-stream",
        ...(outcome.errorType ? { "x-fc-error-type": outcome.errorType } : {}),
      },
    };
  }

  #checkRole(role: unknown, caller: Principal): void {
    if (role === undefined || role === "") return;
    this.#options.sts.checkRoleForFc(String(role));
    if (!caller.canPassRole) {
      throw new AcsError(
        403,
        "AccessDenied",
        `${caller.name} is not authorized to perform ram:PassRole on ${String(role)}.`,
      );
    }
  }

  /** The registry rules first (they need no pull), then whether the image can be pulled at all. */
  #checkImage(checked: CheckedBody, current?: Json): void {
    const { image } = checked;
    if (image === undefined) return;
    const sent = checked.fields.customContainerConfig as { acrInstanceId?: unknown } | undefined;
    const kept = current?.customContainerConfig as { acrInstanceId?: unknown } | undefined;
    checkAcrInstance(
      this.#options.state.acrInstances,
      image,
      sent ? sent.acrInstanceId : kept?.acrInstanceId,
    );
    if (!this.#options.state.images.has(image))
      throw new AcsError(400, "ImageNotFound", `image ${image} does not exist or cannot be pulled`);
  }

  #function(name: string) {
    const stored = this.#options.state.functions.get(name);
    if (!stored) throw acs.functionNotFound(name);
    return stored;
  }

  #view(stored: StoredFunction | undefined): Json {
    if (!stored) return {};
    const settled = this.#options.now().getTime() >= stored.activeAt;
    return {
      ...stored.body,
      state: settled || stored.settling === "update" ? "Active" : "Pending",
      lastUpdateStatus: settled ? "Successful" : "InProgress",
    };
  }
}

function withoutCode(fields: Json): Json {
  const { code: _code, customContainerConfig: _container, ...rest } = fields;
  return rest;
}

function applyCode(record: Json, checked: { zip?: Buffer; image?: string; fields: Json }): void {
  if (checked.zip) {
    record.codeChecksum = codeChecksum(checked.zip);
    record.codeSize = checked.zip.length;
    delete record.customContainerConfig;
  }
  if (checked.image) {
    const sent = checked.fields.customContainerConfig as
      | { port?: number; acrInstanceId?: string }
      | undefined;
    const kept = record.customContainerConfig as { acrInstanceId?: string } | undefined;
    const acrInstanceId = sent ? sent.acrInstanceId : kept?.acrInstanceId;
    record.customContainerConfig = {
      image: checked.image,
      port: sent?.port ?? 9000,
      ...(acrInstanceId ? { acrInstanceId } : {}),
      resolvedImageUri: `${checked.image.split(/[:@]/)[0]}@sha256:${"0".repeat(64)}`,
    };
    delete record.codeChecksum;
  }
}
