import { UserError } from "../errors.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import { ocirUsername } from "../oci/registry/ocir-login-name.ts";
import type { StepContext } from "../step-context.ts";

/** What docker logs in to OCIR with. */
export type OcirCredential =
  | { kind: "auth token"; username: string; password: string }
  | { kind: "registry token"; username: string; password: string; expiresAt: Date };

export interface CredentialSource {
  username?: string;
  identityDomain?: string;
  authToken?: string;
  ociProfile?: OciProfile;
}

/**
 * Which way ocir-login logs in, decided before anything is requested: a user's auth token when one is
 * given (it wins), else a short-lived registry token signed with the OCI profile, else neither.
 */
export function credentialWay(source: CredentialSource): "auth token" | "registry token" {
  if (source.authToken) return "auth token";
  if (source.ociProfile) return "registry token";
  throw new UserError(
    "auth-token is not set and there is no OCI profile to request a registry token with: run fn-context earlier in the job (ocir-login then logs in with a short-lived registry token signed with its profile, no stored secret), or set auth-token and username to log in with a user's auth token.",
  );
}

/** The credential itself: an auth token is assembled with its username; a registry token is requested. */
export async function ocirCredential(
  source: CredentialSource,
  target: { registry: string; namespace: string; regionId: string },
  ctx: StepContext,
): Promise<OcirCredential> {
  if (credentialWay(source) === "auth token" && source.authToken) {
    const username = ocirUsername(target.namespace, source.username ?? "", source.identityDomain);
    return { kind: "auth token", username, password: source.authToken };
  }
  if (source.username) {
    ctx.logger.info(
      `username ${source.username} is not used: without auth-token, ocir-login logs in as BEARER_TOKEN with a short-lived registry token.`,
    );
  }
  return requestCredential(source.ociProfile as OciProfile, target.registry, ctx);
}

/** A fresh registry token for `registry`, masked before anything else sees it; fn-deploy renews with it too. */
export async function requestCredential(
  profile: OciProfile,
  registry: string,
  ctx: StepContext,
): Promise<OcirCredential> {
  const [{ BEARER_USERNAME, requestRegistryToken }, { explainRegistryTokenFailure }] = await Promise.all([
    import("../oci/registry/registry-token.ts"),
    import("../oci/registry/registry-token-failure.ts"),
  ]);
  try {
    const token = await requestRegistryToken({
      ...profile,
      registryHost: registry,
      ...(ctx.endpoints.oci ? { endpoint: ctx.endpoints.oci } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      now: () => ctx.now(),
    });
    ctx.secrets.register(token.token);
    ctx.logger.info(
      `Requested a registry token for ${registry} with profile ${profile.profile}; it expires at ${token.expiresAt.toISOString()}.`,
    );
    return {
      kind: "registry token",
      username: BEARER_USERNAME,
      password: token.token,
      expiresAt: token.expiresAt,
    };
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    throw explainRegistryTokenFailure(error);
  }
}
