import { join } from "node:path";
import { UserError } from "../../errors.ts";
import type { StepContext } from "../../step-context.ts";
import { checkApiUrl, checkContextName, checkContextRegistry } from "../functions/fn-cli-context.ts";
import { requireOcid } from "../ocid.ts";
import { functionsApiUrl, type ResolvedRegion, resolveRegion } from "../region.ts";
import { checkApiKey, type PlannedApiKey } from "./api-key-check.ts";
import { checkProfileName } from "./config-file.ts";
import { checkIdentityDomainUrl } from "./oidc-session.ts";

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
  /** The identity domain URL (without trailing slashes) when absent. */
  oidcAudience?: string;
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

export type { PlannedApiKey } from "./api-key-check.ts";

/** auth: oidc, checked: what the session exchange will be called with once the plan is carried out. */
export interface PlannedSession {
  auth: "oidc";
  /** https://host, no path, no trailing slash. */
  identityDomainUrl: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  githubIdToken(audience: string): Promise<string>;
}

/** The files fn-context writes, every one under the home folder. */
export interface FnContextFiles {
  configFile: string;
  keyFile: string;
  /** auth: oidc only: the session token the profile signs with. */
  tokenFile: string | undefined;
  fnRootConfig: string;
  contextFile: string;
}

/** Every value checked, every path decided: what applying writes and calls, and nothing more. */
export interface FnContextPlan {
  credential: PlannedApiKey | PlannedSession;
  tenancy: string;
  compartment: string;
  region: ResolvedRegion;
  profile: string;
  contextName: string;
  apiUrl: string;
  /** The registry input; when absent, OCIR's host and the namespace the verify call reads. */
  registry: string | undefined;
  verify: boolean;
  files: FnContextFiles;
}

/** What planning needs from the step's context: no network, no files, only notes and secrets. */
export type FnContextPlanContext = Pick<StepContext, "logger" | "secrets" | "endpoints" | "homeDir">;

/**
 * Checks every fn-context input once, in the order a person reads them, and decides what will be
 * written where. Nothing is called and nothing is written, so a bad value fails before any change.
 */
export function planFnContext(inputs: FnContextInputs, ctx: FnContextPlanContext): FnContextPlan {
  // The decrypted key is a new secret: it is masked before the step logs anything at all.
  const credential =
    inputs.auth === "api-key" ? checkApiKey(inputs, ctx.secrets, ctx.logger) : planSession(inputs);
  const { tenancy, compartment, region } = checkAccount(inputs, credential, ctx);
  const profile = checkProfileName(inputs.profile);
  const contextName = checkContextName(inputs.contextName);
  return {
    credential,
    tenancy,
    compartment,
    region,
    profile,
    contextName,
    apiUrl:
      (inputs.apiUrl === undefined ? undefined : checkApiUrl(inputs.apiUrl)) ??
      ctx.endpoints.oci ??
      functionsApiUrl(region),
    registry: inputs.registry === undefined ? undefined : checkContextRegistry(inputs.registry),
    verify: inputs.verify,
    files: filesOf(ctx.homeDir, profile, contextName, credential.auth === "oidc"),
  };
}

/** Tenancy, compartment and region, and that they (and the key's user) belong to one realm. */
function checkAccount(
  inputs: FnContextSettings,
  credential: PlannedApiKey | PlannedSession,
  ctx: FnContextPlanContext,
): { tenancy: string; compartment: string; region: ResolvedRegion } {
  const tenancy = requireOcid(inputs.tenancyOcid, "tenancy-ocid", ["tenancy"]);
  const compartment = requireOcid(inputs.compartmentOcid ?? tenancy.value, "compartment-ocid", [
    "compartment",
    "tenancy",
  ]);
  if (credential.auth === "api-key" && credential.user.realm !== tenancy.realm) {
    throw new UserError(
      `user-ocid is in realm ${credential.user.realm} but tenancy-ocid is in realm ${tenancy.realm}: they must belong together.`,
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
  return { tenancy: tenancy.value, compartment: compartment.value, region };
}

/** The files in the order they are recorded for restoring (a missing token file is not written). */
export function plannedFiles(files: FnContextFiles): string[] {
  const { configFile, keyFile, tokenFile, fnRootConfig, contextFile } = files;
  return [configFile, keyFile, ...(tokenFile ? [tokenFile] : []), fnRootConfig, contextFile];
}

function planSession(inputs: OidcAuth): PlannedSession {
  return {
    auth: "oidc",
    identityDomainUrl: checkIdentityDomainUrl(inputs.identityDomainUrl),
    clientId: inputs.clientId,
    clientSecret: inputs.clientSecret,
    audience: inputs.oidcAudience ?? inputs.identityDomainUrl.trim().replace(/\/+$/, ""),
    githubIdToken: (audience) => inputs.githubIdToken(audience),
  };
}

function filesOf(homeDir: string, profile: string, contextName: string, session: boolean): FnContextFiles {
  const ociDir = join(homeDir, ".oci");
  return {
    configFile: join(ociDir, "config"),
    keyFile: join(ociDir, `fngate-${profile}.pem`),
    tokenFile: session ? join(ociDir, `fngate-${profile}.token`) : undefined,
    fnRootConfig: join(homeDir, ".fn", "config.yaml"),
    contextFile: join(homeDir, ".fn", "contexts", `${contextName}.yaml`),
  };
}
