import { type CodePackage, zipCodeFolder } from "../alibaba/code-package.ts";
import { type CredentialInputs, resolveKeys } from "../alibaba/credentials.ts";
import { fcEndpoint } from "../alibaba/endpoints.ts";
import { explainFcFailure } from "../alibaba/fc-failure.ts";
import { CONTAINER_RUNTIME, type FunctionSpec, functionChanges } from "../alibaba/function-spec.ts";
import { FunctionsApi } from "../alibaba/functions-api.ts";
import type { RoleArn } from "../alibaba/role-arn.ts";
import { FcClient } from "../alibaba/sdk.ts";
import { sdkConfig } from "../alibaba/sdk-config.ts";
import { TriggersApi } from "../alibaba/triggers-api.ts";
import { VersionsApi } from "../alibaba/versions-api.ts";
import { UserError } from "../errors.ts";
import { confineToWorkspace } from "../fs/workspace-path.ts";
import { runLabelTags } from "../run-label.ts";
import type { StepContext } from "../step-context.ts";
import { ensureHttpTrigger, type FcHttpTriggerInputs, httpTriggerSpec } from "./fc-http-trigger.ts";
import { type FcRolloutInputs, type PendingRollout, prepareRollout } from "./fc-rollout.ts";

export type FcSource =
  | {
      kind: "image";
      image: string;
      port: number;
      /** The ACR Enterprise Edition instance holding the image (cri-…). */
      acrInstanceId?: string;
    }
  | { kind: "code"; codePath: string; runtime: string; handler: string };

export interface FcDeployInputs {
  region: string;
  functionName: string;
  source: FcSource;
  role?: RoleArn;
  memory: number;
  timeout: number;
  env: Record<string, string>;
  /** A test payload to invoke the function with once it is Active. */
  invoke?: string;
  /** Needed for the public FC endpoint when no role ARN carries it. */
  accountId?: string;
  credentials: CredentialInputs;
  /** How long to wait for the function to become Active; default 5 minutes. */
  waitMs?: number;
  /** Tags a function this deploy creates (fngate-run), so teardown finds it; checked by the adapter. */
  runLabel?: string;
  /** The HTTP trigger to create or keep once the function is Active; none when unset. */
  httpTrigger?: FcHttpTriggerInputs;
  /** How a new version reaches the HTTP trigger (with httpTrigger only). */
  rollout?: FcRolloutInputs;
}

/** What a verify-then-promote run did with the alias the public trigger follows. */
export interface FcRolloutOutcome {
  version: string;
  previousVersion: string;
  /** The alias serves the version as asked (now, or already before this run). */
  promoted: boolean;
  /** The version failed its check and the alias was left on the previous version. */
  rolledBack: boolean;
}

export interface FcDeployResult {
  functionArn: string;
  changed: boolean;
  /** "created", or the inputs whose values changed; empty for a no-op. */
  changes: string[];
  invokeResult?: string;
  /** The HTTP trigger's public URL (with httpTrigger). */
  url?: string;
  /** "created", or what differed on the HTTP trigger; empty when it was as asked. */
  triggerChanges?: string[];
  credentialSource: "oidc" | "access-key";
  rollout?: FcRolloutOutcome;
  /** With deferPromotion: the version awaiting the caller's proof (fc-pipeline's smoke test). */
  pending?: PendingRollout;
}

export interface FcDeployOptions {
  /** Leave the proof and the promotion to the caller (fc-pipeline smoke-tests the candidate first). */
  deferPromotion?: boolean;
}

/** Creates or updates an FC 3.0 function, waits until it is Active, and optionally test-invokes it. */
export async function fcDeploy(
  inputs: FcDeployInputs,
  ctx: StepContext,
  options: FcDeployOptions = {},
): Promise<FcDeployResult> {
  const staged = inputs.httpTrigger !== undefined && inputs.rollout?.mode === "verify-then-promote";
  if (staged && !options.deferPromotion && inputs.invoke === undefined)
    throw new UserError(
      "rollout verify-then-promote needs a check before the alias moves: set invoke (a test payload the new version must answer without error), use fc-pipeline (its smoke test), or set rollout: direct.",
    );
  // Everything that can fail locally fails before the first call to Alibaba Cloud.
  const code = inputs.source.kind === "code" ? await codePackage(inputs.source.codePath, ctx) : undefined;
  const spec = desiredSpec(inputs, code);
  const trigger = inputs.httpTrigger ? await httpTriggerSpec(inputs.httpTrigger, ctx) : undefined;
  const accountId = inputs.accountId ?? inputs.role?.accountId ?? accountOf(inputs.credentials);
  const endpoint = fcEndpoint({ override: ctx.endpoints.alibaba, region: inputs.region, accountId });

  const keys = await resolveKeys(inputs.credentials, ctx, inputs.region);
  const client = new FcClient(sdkConfig(endpoint, keys));
  const api = new FunctionsApi(client, ctx.signal);
  const roleText = inputs.role?.arn ?? "(none)";
  const explained = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw explainFcFailure(error, operation, roleText) ?? error;
    }
  };

  const current = await explained("GetFunction", () => api.get(spec.functionName));
  let changes: string[];
  if (!current) {
    ctx.logger.info(`Creating function ${spec.functionName} (${describe(spec)}).`);
    await explained("CreateFunction", () => api.create(spec, runLabelTags(inputs.runLabel)));
    changes = ["created"];
  } else {
    changes = functionChanges(current, spec);
    if (changes.length === 0) {
      ctx.logger.info(`Function ${spec.functionName} is up to date: nothing changed, no update made.`);
    } else {
      ctx.logger.info(
        `Updating function ${spec.functionName}: ${changes.join(", ")} changed (${describe(spec)}).`,
      );
      await explained("UpdateFunction", () => api.update(spec));
    }
  }
  const ready = await ctx.logger.group(
    `Waiting for function ${spec.functionName} to become Active`,
    async () => {
      const active = await explained("GetFunction", () =>
        api.waitUntilActive(spec.functionName, {
          deadlineMs: inputs.waitMs ?? 300_000,
          signal: ctx.signal,
          progress: ctx.logger,
        }),
      );
      ctx.logger.info(`Function ${spec.functionName} is Active: ${active.functionArn ?? ""}`);
      return active;
    },
  );
  const functionArn = ready.functionArn ?? "";

  const result: FcDeployResult = {
    functionArn,
    changed: changes.length > 0,
    changes,
    credentialSource: keys.source,
  };
  if (trigger && staged && inputs.rollout) {
    const pending = await prepareRollout(
      {
        versions: new VersionsApi(client, ctx.signal),
        triggers: new TriggersApi(client, ctx.signal),
        functionName: spec.functionName,
        trigger,
        rollout: inputs.rollout,
        active: ready,
        explained,
      },
      ctx,
    );
    const outcome = {
      version: pending.version,
      previousVersion: pending.previousVersion,
      promoted: pending.upToDate,
      rolledBack: false,
    };
    result.rollout = outcome;
    if (!pending.upToDate) result.changed = true;
    if (options.deferPromotion && !pending.upToDate) {
      result.pending = pending;
      return result;
    }
    if (!pending.upToDate) {
      const { failure, body } = await explained("InvokeFunction", () =>
        invokeVersion(api, spec.functionName, inputs.invoke ?? "", pending.version),
      );
      if (failure) {
        outcome.rolledBack = true;
        await pending.retire(ctx);
        throw new UserError(
          `invoke: version ${pending.version} failed (${failure}); alias ${inputs.rollout.alias} still serves ${pending.previousVersion ? `version ${pending.previousVersion}` : "nothing (it does not exist yet)"}: nothing was promoted.`,
        );
      }
      ctx.logger.info(`Version ${pending.version} answered the test invocation without error.`);
      result.invokeResult = body;
    }
    const kept = await pending.promote(ctx);
    outcome.promoted = true;
    result.url = kept.url;
    result.triggerChanges = kept.triggerChanges;
    return result;
  }
  if (trigger) {
    const kept = await ensureHttpTrigger(
      new TriggersApi(client, ctx.signal),
      spec.functionName,
      trigger,
      ctx,
      explained,
    );
    result.url = kept.url;
    result.triggerChanges = kept.changes;
    if (kept.changes.length > 0) result.changed = true;
  }
  if (inputs.invoke !== undefined) {
    const invocation = await explained("InvokeFunction", () =>
      api.invoke(spec.functionName, inputs.invoke ?? ""),
    );
    if (invocation.functionError) {
      throw new UserError(
        `invoke: the function failed (${invocation.functionError}): ${invocation.body.replace(/\s+/g, " ").slice(0, 300)}`,
      );
    }
    ctx.logger.info(`Test invocation answered ${invocation.status}.`);
    result.invokeResult = invocation.body;
  }
  return result;
}

/** The version's answer to the test payload, and why it failed when it did. */
async function invokeVersion(
  api: FunctionsApi,
  functionName: string,
  payload: string,
  version: string,
): Promise<{ failure?: string; body: string }> {
  const invocation = await api.invoke(functionName, payload, version);
  if (!invocation.functionError) return { body: invocation.body };
  const failure = `${invocation.functionError}: ${invocation.body.replace(/\s+/g, " ").slice(0, 200)}`;
  return { failure, body: invocation.body };
}

/** The code folder confined to the workspace (symbolic links resolved), zipped with the size cap. */
async function codePackage(codePath: string, ctx: StepContext): Promise<CodePackage> {
  const folder = await confineToWorkspace("code-path", codePath, ctx.workspaceDir);
  return zipCodeFolder(folder.real, codePath);
}

function desiredSpec(inputs: FcDeployInputs, code: CodePackage | undefined): FunctionSpec {
  const base = {
    functionName: inputs.functionName,
    memorySize: inputs.memory,
    timeout: inputs.timeout,
    role: inputs.role?.arn ?? "",
    environmentVariables: inputs.env,
  };
  if (inputs.source.kind === "image") {
    // FC requires a handler on every function; a container ignores it.
    return {
      ...base,
      runtime: CONTAINER_RUNTIME,
      handler: "index.handler",
      code: {
        kind: "image",
        image: inputs.source.image,
        port: inputs.source.port,
        ...(inputs.source.acrInstanceId ? { acrInstanceId: inputs.source.acrInstanceId } : {}),
      },
    };
  }
  if (!code) throw new Error("code package missing");
  return {
    ...base,
    runtime: inputs.source.runtime,
    handler: inputs.source.handler,
    code: { kind: "zip", zipBase64: code.zipBase64, checksum: code.checksum },
  };
}

function describe(spec: FunctionSpec): string {
  const what =
    spec.code.kind === "image" ? `image ${spec.code.image}` : `${spec.runtime}, handler ${spec.handler}`;
  return `${what}, ${spec.memorySize} MB, ${spec.timeout} s, role ${spec.role || "none"}`;
}

function accountOf(credentials: CredentialInputs): string | undefined {
  return credentials.kind === "oidc" ? /^acs:ram::(\d+):/.exec(credentials.roleToAssume)?.[1] : undefined;
}
