import { detachLinks, replacedLinkNote } from "../fs/home-links.ts";
import { type RestorePlan, recordBeforeChange, restore } from "../fs/restore-plan.ts";
import {
  type FnContextInputs,
  type FnContextPlan,
  planFnContext,
  plannedFiles,
} from "../oci/auth/fn-context-plan.ts";
import type { StepContext } from "../step-context.ts";
import { type SigningCredential, signingCredential } from "./fn-context-credential.ts";
import { writeFnContextFiles } from "./fn-context-files.ts";

export type {
  ApiKeyAuth,
  FnContextInputs,
  FnContextSettings,
  OidcAuth,
} from "../oci/auth/fn-context-plan.ts";

export interface FnContextResult {
  configFile: string;
  profile: string;
  keyFile: string;
  contextName: string;
  apiUrl: string;
  region: string;
  registry: string;
  compartmentOcid: string;
  fingerprint: string;
  auth: "api-key" | "oidc";
  /** auth: oidc: the session token file and when the session ends. */
  securityTokenFile?: string;
  sessionExpiresAt?: Date;
  namespace?: string;
  /** Files whose content changed (empty on a re-run with the same inputs). */
  changed: string[];
  restorePlan: RestorePlan;
}

export interface FnContextHooks {
  /**
   * Called with the restore plan before the first file is written, so the caller can hand it to the
   * post step at once: a step killed mid-way (a runner timeout) must still have its key removed.
   */
  onRestorePlan?(plan: RestorePlan): void;
}

/**
 * Writes the OCI configuration profile, its API key and an Fn CLI context, then (optionally) proves the
 * key works with one signed call. Everything is checked before the first file is written (the plan),
 * and a failed verification puts every file back, so a failure leaves nothing half-configured.
 */
export async function configureFnContext(
  inputs: FnContextInputs,
  ctx: StepContext,
  hooks: FnContextHooks = {},
): Promise<FnContextResult> {
  return applyFnContext(planFnContext(inputs, ctx), ctx, hooks);
}

/** Carries a plan out: the session (auth: oidc), then every file, restored as it was on any failure. */
export async function applyFnContext(
  plan: FnContextPlan,
  ctx: StepContext,
  hooks: FnContextHooks = {},
): Promise<FnContextResult> {
  // Every input is checked: only now is the GitHub token requested and exchanged.
  const credential = await signingCredential(plan.credential, ctx);
  const restorePlan = await recordBeforeChange(ctx.tempDir, ctx.homeDir, plannedFiles(plan.files));
  hooks.onRestorePlan?.(restorePlan);
  try {
    for (const link of await detachLinks(restorePlan)) ctx.logger.info(replacedLinkNote(link));
    const written = await writeFnContextFiles(plan, credential, ctx);
    return resultOf(plan, credential, { ...written, restorePlan });
  } catch (error) {
    await restore(restorePlan);
    throw error;
  }
}

function resultOf(
  plan: FnContextPlan,
  credential: SigningCredential,
  written: { registry: string; namespace: string | undefined; changed: string[]; restorePlan: RestorePlan },
): FnContextResult {
  const { session } = credential;
  return {
    configFile: plan.files.configFile,
    profile: plan.profile,
    keyFile: plan.files.keyFile,
    contextName: plan.contextName,
    apiUrl: plan.apiUrl,
    region: plan.region.id,
    registry: written.registry,
    compartmentOcid: plan.compartment,
    fingerprint: credential.fingerprint,
    auth: plan.credential.auth,
    ...(session && plan.files.tokenFile ? { securityTokenFile: plan.files.tokenFile } : {}),
    ...(session?.expiresAt ? { sessionExpiresAt: session.expiresAt } : {}),
    ...(written.namespace ? { namespace: written.namespace } : {}),
    changed: written.changed,
    restorePlan: written.restorePlan,
  };
}
