import { readFile } from "node:fs/promises";
import { describeError, UserError } from "../errors.ts";
import { writeIfChanged } from "../fs/write-if-changed.ts";
import { mergeProfile, type OciProfile } from "../oci/auth/config-file.ts";
import type { FnContextPlan } from "../oci/auth/fn-context-plan.ts";
import { renderContextFile, renderRootConfig } from "../oci/functions/fn-cli-context.ts";
import { ocirHost } from "../oci/region.ts";
import type { StepContext } from "../step-context.ts";
import { type SigningCredential, verifyProfile } from "./fn-context-credential.ts";

export interface WrittenFiles {
  /** The Fn context's registry: the input, or OCIR's host and the namespace verify read ("" when neither). */
  registry: string;
  namespace: string | undefined;
  /** Files whose content changed (empty on a re-run with the same inputs). */
  changed: string[];
}

/**
 * The key (and session token), the profile, then (after the verify call, which decides the default
 * registry) the Fn context and the current-context pointer. Files whose content is already right are
 * left untouched, so a re-run changes nothing.
 */
export async function writeFnContextFiles(
  plan: FnContextPlan,
  credential: SigningCredential,
  ctx: StepContext,
): Promise<WrittenFiles> {
  const { configFile, keyFile, tokenFile, contextFile, fnRootConfig } = plan.files;
  const changed: string[] = [];
  const write = async (path: string, content: string) => {
    if (await writeIfChanged(path, content)) changed.push(path);
  };
  /** A file others may have written too: rendered from what it holds, keeping their settings. */
  const update = async (path: string, render: (existing: string | undefined) => string) =>
    write(path, render(await readOptional(path)));
  await write(keyFile, credential.pem);
  // No newline after the token: the SDK signs with `ST$` + the file's exact content.
  if (credential.session && tokenFile) await write(tokenFile, credential.session.token);
  await update(configFile, (existing) => mergeProfile(existing, profileOf(plan, credential)));

  const namespace = plan.verify
    ? await verifyProfile(
        { configFile, name: plan.profile, regionId: plan.region.id, tenancy: plan.tenancy },
        credential,
        ctx,
      )
    : undefined;
  const registry = plan.registry ?? (namespace ? `${ocirHost(plan.region)}/${namespace}` : "");
  const context = {
    name: plan.contextName,
    apiUrl: plan.apiUrl,
    registry,
    compartmentId: plan.compartment,
    profile: plan.profile,
  };
  await update(contextFile, (existing) => renderContextFile(existing, context));
  await update(fnRootConfig, (existing) => renderRootConfig(existing, plan.contextName));

  ctx.logger.info(
    changed.length === 0
      ? `Profile [${plan.profile}] and Fn context ${plan.contextName} were already up to date: nothing written.`
      : `Wrote profile [${plan.profile}] to ${configFile} and Fn context ${plan.contextName} (${plan.apiUrl}).`,
  );
  return { registry, namespace, changed };
}

function profileOf(plan: FnContextPlan, credential: SigningCredential): OciProfile {
  return {
    name: plan.profile,
    ...(credential.session && plan.files.tokenFile ? { securityTokenFile: plan.files.tokenFile } : {}),
    ...(credential.user ? { user: credential.user } : {}),
    fingerprint: credential.fingerprint,
    tenancy: plan.tenancy,
    region: plan.region.id,
    keyFile: plan.files.keyFile,
  };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UserError(`cannot read ${path}: ${describeError(error)}`);
  }
}
