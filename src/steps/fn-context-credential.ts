import type { PlannedApiKey, PlannedSession } from "../oci/auth/fn-context-plan.ts";
import { openOidcSession } from "../oci/auth/oidc-session.ts";
import { explainSessionVerifyFailure } from "../oci/auth/session-verify-failure.ts";
import { explainVerifyFailure } from "../oci/auth/verify-failure.ts";
import { ociCallOptions } from "../oci/call-options.ts";
import type { StepContext } from "../step-context.ts";

/** What the profile signs with: the API key, or a session's ephemeral key and its token. */
export interface SigningCredential {
  pem: string;
  fingerprint: string;
  /** auth: api-key: the key's user (a session token names its user itself). */
  user?: string;
  session?: { token: string; expiresAt?: Date };
}

export async function signingCredential(
  planned: PlannedApiKey | PlannedSession,
  ctx: StepContext,
): Promise<SigningCredential> {
  if (planned.auth === "api-key") {
    return { pem: planned.pem, fingerprint: planned.fingerprint, user: planned.user.value };
  }
  return openSession(planned, ctx);
}

/** GitHub OIDC token → UPST bound to an ephemeral key; nothing long-lived is involved. */
async function openSession(planned: PlannedSession, ctx: StepContext): Promise<SigningCredential> {
  const { key, upst } = await openOidcSession({
    identityDomainUrl: planned.identityDomainUrl,
    clientId: planned.clientId,
    clientSecret: planned.clientSecret,
    audience: planned.audience,
    githubIdToken: (audience) => planned.githubIdToken(audience),
    registerSecret: (value) => ctx.secrets.register(value),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const until = upst.expiresAt ? `, valid until ${upst.expiresAt.toISOString()}` : "";
  ctx.logger.info(
    `Session: exchanged the GitHub OIDC token (audience ${planned.audience}) at ${planned.identityDomainUrl} for a session token bound to an ephemeral RSA 2048-bit key, fingerprint ${key.fingerprint}${until}. No API key is stored anywhere.`,
  );
  return {
    pem: key.privatePem,
    fingerprint: key.fingerprint,
    session: { token: upst.token, ...(upst.expiresAt ? { expiresAt: upst.expiresAt } : {}) },
  };
}

/**
 * One signed call with the profile just written (the tenancy's Object Storage namespace), so a key
 * OCI does not accept fails here, with the reason, rather than at the first deploy. Returns the namespace.
 */
export async function verifyProfile(
  profile: { configFile: string; name: string; regionId: string; tenancy: string },
  credential: SigningCredential,
  ctx: StepContext,
): Promise<string> {
  // Loaded on demand: the Object Storage client is the largest part of the bundle and only this call needs it.
  const { lookUpNamespace } = await import("../oci/registry/namespace.ts");
  let namespace: string;
  try {
    namespace = await lookUpNamespace({
      configFile: profile.configFile,
      profile: profile.name,
      regionId: profile.regionId,
      ...ociCallOptions(ctx),
    });
  } catch (error) {
    const target = ctx.endpoints.oci ?? `the ${profile.regionId} Object Storage endpoint`;
    const { fingerprint } = credential;
    throw credential.session
      ? explainSessionVerifyFailure(error, { tenancy: profile.tenancy, fingerprint }, target)
      : explainVerifyFailure(error, { user: credential.user ?? "", fingerprint }, target);
  }
  ctx.logger.info(
    `Verified the ${credential.session ? "session" : "API key"} with a signed call: tenancy namespace ${namespace}.`,
  );
  return namespace;
}
