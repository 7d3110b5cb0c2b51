import { decodeJwt } from "jose";
import { UserError } from "../errors.ts";
import { authFailure } from "../gcp/auth-failure.ts";
import {
  chooseGcpCredential,
  type GcpCredentialInputs,
  type GithubTokenSource,
} from "../gcp/credential-choice.ts";
import { accessTokenClient, fetchIdToken, principalOf } from "../gcp/credentials.ts";
import { googleEndpoints } from "../gcp/google-endpoints.ts";
import { checkAudience } from "../gcp/token-format.ts";
import type { StepContext } from "../step-context.ts";

export interface GcpIdTokenInputs extends GcpCredentialInputs {
  /** Who the ID token is for: a Cloud Run service's URL. Not used for an access token. */
  audience?: string;
  /** id-token (default) or access-token (an OAuth access token with the cloud-platform scope). */
  tokenFormat?: string;
}

/** The token's claims that are safe to show. */
export interface IdTokenClaims {
  issuer: string;
  audience: string;
  email: string;
  subject: string;
  expiresOn: Date;
}

export interface GcpIdTokenResult {
  idToken: string;
  claims: IdTokenClaims;
  credential: "key" | "federated";
}

export interface GcpAccessTokenResult {
  accessToken: string;
  /** The service account the token speaks for. */
  email: string;
  expiresOn?: Date;
  credential: "key" | "federated";
}

/**
 * A Google-signed ID token for `audience`, from a key file or keyless from the job's GitHub OIDC token
 * (STS exchange, then IAM Credentials generateIdToken for the service account). Masked first.
 */
export async function gcpIdToken(
  inputs: GcpIdTokenInputs,
  ctx: StepContext,
  tools: GithubTokenSource,
): Promise<GcpIdTokenResult> {
  const audience = checkAudience(inputs.audience ?? "");
  const credential = chooseGcpCredential(inputs, ctx, tools);
  const endpoints = googleEndpoints(ctx.endpoints.gcp);
  let idToken: string;
  try {
    idToken = await fetchIdToken(credential, endpoints, audience, (token) => ctx.secrets.register(token));
  } catch (error) {
    throw authFailure(error) ?? error;
  }
  ctx.secrets.register(idToken);
  const payload = decodeJwt(idToken);
  const claims: IdTokenClaims = {
    issuer: String(payload.iss ?? ""),
    audience: Array.isArray(payload.aud) ? payload.aud.join(",") : String(payload.aud ?? ""),
    email: typeof payload.email === "string" ? payload.email : "",
    subject: String(payload.sub ?? ""),
    expiresOn: new Date((payload.exp ?? 0) * 1000),
  };
  if (claims.audience !== audience) {
    throw new UserError(
      `Google issued a token for ${claims.audience}, not for audience ${audience}: check the audience input.`,
    );
  }
  ctx.logger.info(
    `Got an ID token for ${claims.audience} as ${claims.email || principalOf(credential)} (expires ${claims.expiresOn.toISOString()}).`,
  );
  return { idToken, claims, credential: credential.kind };
}

/**
 * The credential's own OAuth access token (cloud-platform scope), as cloud-run-deploy uses it: for
 * Google APIs, or `docker login -u oauth2accesstoken` to Artifact Registry. Masked first.
 */
export async function gcpAccessToken(
  inputs: GcpCredentialInputs,
  ctx: StepContext,
  tools: GithubTokenSource,
): Promise<GcpAccessTokenResult> {
  const credential = chooseGcpCredential(inputs, ctx, tools);
  const auth = accessTokenClient(credential, googleEndpoints(ctx.endpoints.gcp), (token) =>
    ctx.secrets.register(token),
  );
  let accessToken: string;
  try {
    const answer = await auth.getAccessToken();
    if (!answer.token) throw new Error("Google returned no access token");
    accessToken = answer.token;
  } catch (error) {
    throw authFailure(error) ?? error;
  }
  ctx.secrets.register(accessToken);
  const expiry = auth.credentials.expiry_date;
  const expiresOn = typeof expiry === "number" ? new Date(expiry) : undefined;
  const email = principalOf(credential);
  ctx.logger.info(
    `Got an access token (cloud-platform scope) as ${email}${expiresOn ? ` (expires ${expiresOn.toISOString()})` : ""}.`,
  );
  return { accessToken, email, ...(expiresOn ? { expiresOn } : {}), credential: credential.kind };
}
