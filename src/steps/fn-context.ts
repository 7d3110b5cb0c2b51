import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describeError, UserError } from "../errors.ts";
import { detachLinks, replacedLinkNote } from "../fs/home-links.ts";
import { type RestorePlan, recordBeforeChange, restore } from "../fs/restore-plan.ts";
import { writeIfChanged } from "../fs/write-if-changed.ts";
import { mergeProfile } from "../oci/auth/config-file.ts";
import { fingerprintOf, normalizeFingerprint } from "../oci/auth/fingerprint.ts";
import { checkIdentityDomainUrl, openOidcSession } from "../oci/auth/oidc-session.ts";
import { loadPrivateKey, publicKeyDer } from "../oci/auth/private-key.ts";
import { explainSessionVerifyFailure } from "../oci/auth/session-verify-failure.ts";
import { explainVerifyFailure } from "../oci/auth/verify-failure.ts";
import { renderContextFile, renderRootConfig } from "../oci/functions/fn-cli-context.ts";
import { requireOcid } from "../oci/ocid.ts";
import { functionsApiUrl, ocirHost, resolveRegion } from "../oci/region.ts";
import type { StepContext } from "../step-context.ts";

/** The long-lived way: an API signing key uploaded to a user. */
export interface ApiKeyAuth {
  auth: "api-key";
  userOcid: string;
  /** Computed from the key when absent. */
  fingerprint?: string;
  privateKey: string;
  privateKeyPassphrase?: string;
}

/** No stored key: GitHub's OIDC token is exchanged at an identity domain for a session token (UPST). */
export interface OidcAuth {
  auth: "oidc";
  identityDomainUrl: string;
  clientId: string;
  /** The confidential integrated application's secret (basic auth at the token exchange). */
  clientSecret: string;
  oidcAudience: string;
  /** The runner's GitHub OIDC token for an audience; the adapter owns how (core.getIDToken). */
  githubIdToken(audience: string): Promise<string>;
}

export interface FnContextSettings {
  tenancyOcid: string;
  region: string;
  /** The tenancy (root compartment) when absent. */
  compartmentOcid?: string;
  profile: string;
  contextName: string;
  registry?: string;
  apiUrl?: string;
  verify: boolean;
}

export type FnContextInputs = FnContextSettings & (ApiKeyAuth | OidcAuth);

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

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/;
const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._-]+)*$/;

/**
 * Writes the OCI configuration profile, its API key and an Fn CLI context, then (optionally) proves the
 * key works with one signed call. Everything is checked before the first file is written, and a failed
 * verification puts every file back, so a failure leaves nothing half-configured.
 */
export interface FnContextHooks {
  /**
   * Called with the restore plan before the first file is written, so the caller can hand it to the
   * post step at once: a step killed mid-way (a runner timeout) must still have its key removed.
   */
  onRestorePlan?(plan: RestorePlan): void;
}

export async function configureFnContext(
  inputs: FnContextInputs,
  ctx: StepContext,
  hooks: FnContextHooks = {},
): Promise<FnContextResult> {
  // The decrypted key is a new secret: it is masked before the step logs anything at all.
  const apiKey = inputs.auth === "api-key" ? checkApiKey(inputs, ctx) : undefined;
  const identityDomainUrl = inputs.auth === "oidc" ? checkIdentityDomainUrl(inputs.identityDomainUrl) : "";
  const tenancy = requireOcid(inputs.tenancyOcid, "tenancy-ocid", ["tenancy"]);
  const compartment = requireOcid(inputs.compartmentOcid ?? tenancy.value, "compartment-ocid", [
    "compartment",
    "tenancy",
  ]);
  if (apiKey && apiKey.user.realm !== tenancy.realm) {
    throw new UserError(
      `user-ocid is in realm ${apiKey.user.realm} but tenancy-ocid is in realm ${tenancy.realm}: they must belong together.`,
    );
  }
  if (inputs.compartmentOcid === undefined) {
    ctx.logger.info(
      "compartment-ocid is not set: the Fn context manages functions in the tenancy's root compartment.",
    );
  }
  const region = resolveRegion(inputs.region, "region", (message) => ctx.logger.warning(message));
  if (region.known && region.realmId !== tenancy.realm) {
    throw new UserError(
      `region ${region.id} is in realm ${region.realmId} but tenancy-ocid is in realm ${tenancy.realm}.`,
    );
  }
  if (!PROFILE_NAME.test(inputs.profile)) {
    throw new UserError(
      `profile ${JSON.stringify(inputs.profile)} must be letters, digits, '.', '_', '-' or '@' (like DEFAULT).`,
    );
  }
  if (!CONTEXT_NAME.test(inputs.contextName)) {
    throw new UserError(
      `context-name ${JSON.stringify(inputs.contextName)} must be letters, digits, '.', '_' or '-': it becomes a file name.`,
    );
  }
  const apiUrl = checkApiUrl(inputs.apiUrl) ?? ctx.endpoints.oci ?? functionsApiUrl(region);
  const registryInput = checkRegistry(inputs.registry);

  // Every input is checked: only now is the GitHub token requested and exchanged.
  const credential = apiKey
    ? { pem: apiKey.pem, fingerprint: apiKey.fingerprint, user: apiKey.user.value }
    : await openSession(inputs as OidcAuth, identityDomainUrl, ctx);

  const ociDir = join(ctx.homeDir, ".oci");
  const configFile = join(ociDir, "config");
  const keyFile = join(ociDir, `fngate-${inputs.profile}.pem`);
  const tokenFile = join(ociDir, `fngate-${inputs.profile}.token`);
  const fnRootConfig = join(ctx.homeDir, ".fn", "config.yaml");
  const contextFile = join(ctx.homeDir, ".fn", "contexts", `${inputs.contextName}.yaml`);
  const session = "token" in credential ? credential : undefined;
  const user = "user" in credential ? credential.user : undefined;
  const restorePlan = await recordBeforeChange(ctx.tempDir, ctx.homeDir, [
    configFile,
    keyFile,
    ...(session ? [tokenFile] : []),
    fnRootConfig,
    contextFile,
  ]);
  hooks.onRestorePlan?.(restorePlan);

  try {
    for (const link of await detachLinks(restorePlan)) ctx.logger.info(replacedLinkNote(link));
    const changed: string[] = [];
    const note = (path: string, didChange: boolean) => didChange && changed.push(path);
    note(keyFile, await writeIfChanged(keyFile, credential.pem));
    // No newline after the token: the SDK signs with `ST$` + the file's exact content.
    if (session) note(tokenFile, await writeIfChanged(tokenFile, session.token));
    const profile = {
      name: inputs.profile,
      ...(session ? { securityTokenFile: tokenFile } : {}),
      ...(user ? { user } : {}),
      fingerprint: credential.fingerprint,
      tenancy: tenancy.value,
      region: region.id,
      keyFile,
    };
    note(configFile, await writeIfChanged(configFile, mergeProfile(await readOptional(configFile), profile)));

    let namespace: string | undefined;
    if (inputs.verify) {
      namespace = await verify(configFile, inputs.profile, region.id, ctx, (error, target) =>
        session
          ? explainSessionVerifyFailure(
              error,
              { tenancy: tenancy.value, fingerprint: credential.fingerprint },
              target,
            )
          : explainVerifyFailure(error, { user: user ?? "", fingerprint: credential.fingerprint }, target),
      );
      ctx.logger.info(
        `Verified the ${session ? "session" : "API key"} with a signed call: tenancy namespace ${namespace}.`,
      );
    }
    const registry = registryInput ?? (namespace ? `${ocirHost(region)}/${namespace}` : "");
    const context = {
      name: inputs.contextName,
      apiUrl,
      registry,
      compartmentId: compartment.value,
      profile: inputs.profile,
    };
    note(
      contextFile,
      await writeIfChanged(contextFile, renderContextFile(await readOptional(contextFile), context)),
    );
    note(
      fnRootConfig,
      await writeIfChanged(
        fnRootConfig,
        renderRootConfig(await readOptional(fnRootConfig), inputs.contextName),
      ),
    );

    ctx.logger.info(
      changed.length === 0
        ? `Profile [${inputs.profile}] and Fn context ${inputs.contextName} were already up to date: nothing written.`
        : `Wrote profile [${inputs.profile}] to ${configFile} and Fn context ${inputs.contextName} (${apiUrl}).`,
    );
    return {
      configFile,
      profile: inputs.profile,
      keyFile,
      contextName: inputs.contextName,
      apiUrl,
      region: region.id,
      registry,
      compartmentOcid: compartment.value,
      fingerprint: credential.fingerprint,
      auth: inputs.auth,
      ...(session ? { securityTokenFile: tokenFile } : {}),
      ...(session?.expiresAt ? { sessionExpiresAt: session.expiresAt } : {}),
      ...(namespace ? { namespace } : {}),
      changed,
      restorePlan,
    };
  } catch (error) {
    await restore(restorePlan);
    throw error;
  }
}

/** The API key checked and its fingerprint computed, before any file is written. */
function checkApiKey(inputs: ApiKeyAuth, ctx: StepContext) {
  const key = loadPrivateKey(inputs.privateKey, inputs.privateKeyPassphrase, "private-key");
  ctx.secrets.register(key.pem);
  const user = requireOcid(inputs.userOcid, "user-ocid", ["user"]);
  if (inputs.privateKeyPassphrase && !key.wasEncrypted) {
    ctx.logger.warning(
      "private-key-passphrase is set but private-key is not encrypted; the passphrase is ignored.",
    );
  }
  const fingerprint = fingerprintOf(publicKeyDer(key.key));
  if (inputs.fingerprint) {
    const given = normalizeFingerprint(inputs.fingerprint, "fingerprint");
    if (given !== fingerprint) {
      throw new UserError(
        `fingerprint ${given} does not match private-key, whose fingerprint is ${fingerprint}: either fingerprint was copied from another API key, or this key's public half was never uploaded to the user (Identity > Users > API keys).`,
      );
    }
  }
  ctx.logger.info(
    `API key: RSA ${key.modulusBits}-bit, fingerprint ${fingerprint}${key.wasEncrypted ? ", decrypted with private-key-passphrase" : ""}.`,
  );
  return { pem: key.pem, fingerprint, user };
}

/** GitHub OIDC token → UPST bound to an ephemeral key; nothing long-lived is involved. */
async function openSession(inputs: OidcAuth, identityDomainUrl: string, ctx: StepContext) {
  const { key, upst } = await openOidcSession({
    identityDomainUrl,
    clientId: inputs.clientId,
    clientSecret: inputs.clientSecret,
    audience: inputs.oidcAudience,
    githubIdToken: (audience) => inputs.githubIdToken(audience),
    registerSecret: (value) => ctx.secrets.register(value),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const until = upst.expiresAt ? `, valid until ${upst.expiresAt.toISOString()}` : "";
  ctx.logger.info(
    `Session: exchanged the GitHub OIDC token (audience ${inputs.oidcAudience}) at ${identityDomainUrl} for a session token bound to an ephemeral RSA 2048-bit key, fingerprint ${key.fingerprint}${until}. No API key is stored anywhere.`,
  );
  return {
    pem: key.privatePem,
    fingerprint: key.fingerprint,
    token: upst.token,
    ...(upst.expiresAt ? { expiresAt: upst.expiresAt } : {}),
  };
}

async function verify(
  configFile: string,
  profile: string,
  regionId: string,
  ctx: StepContext,
  explain: (error: unknown, target: string) => Error,
): Promise<string> {
  // Loaded on demand: the Object Storage client is the largest part of the bundle and only this call needs it.
  const { lookUpNamespace } = await import("../oci/registry/namespace.ts");
  try {
    return await lookUpNamespace({
      configFile,
      profile,
      regionId,
      ...(ctx.endpoints.oci ? { endpoint: ctx.endpoints.oci } : {}),
    });
  } catch (error) {
    throw explain(error, ctx.endpoints.oci ?? `the ${regionId} Object Storage endpoint`);
  }
}

function checkApiUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(
      `api-url ${JSON.stringify(value)} is not a URL; expected https://functions.<region>.oci.oraclecloud.com.`,
    );
  }
  if (url.protocol !== "https:") {
    throw new UserError(
      `api-url must use https:// (got ${url.protocol}//): the Functions API is only served over TLS.`,
    );
  }
  return value.replace(/\/+$/, "");
}

function checkRegistry(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim().replace(/\/+$/, "");
  if (/^[a-z]+:\/\//i.test(trimmed)) {
    throw new UserError(
      `registry is a registry path without a scheme, like ocir.<region>.oci.oraclecloud.com/<namespace>; remove "${trimmed.split("//")[0]}//".`,
    );
  }
  if (!REGISTRY.test(trimmed)) {
    throw new UserError(
      `registry ${JSON.stringify(trimmed)} is not a registry path like ocir.<region>.oci.oraclecloud.com/<namespace> (lower case).`,
    );
  }
  return trimmed;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UserError(`cannot read ${path}: ${describeError(error)}`);
  }
}
