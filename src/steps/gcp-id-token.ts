import { decodeJwt } from "jose";
import { UserError } from "../errors.ts";
import { authFailure } from "../gcp/auth-failure.ts";
import {
  chooseGcpCredential,
  type GcpCredentialInputs,
  type GithubTokenSource,
} from "../gcp/credential-choice.ts";
import { fetchIdToken, principalOf } from "../gcp/credentials.ts";
import { googleEndpoints } from "../gcp/google-endpoints.ts";
import type { StepContext } from "./step-context.ts";

export interface GcpIdTokenInputs extends GcpCredentialInputs {
  /** Who the token is for: a Cloud Run service's URL. */
  audience: string;
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

export function checkAudience(value: string): string {
  const trimmed = value.trim();
  if (trimmed === "" || /\s/.test(trimmed) || trimmed.length > 1000) {
    throw new UserError(
      `audience ${JSON.stringify(value.slice(0, 80))} is not an audience: use the Cloud Run service's URL, e.g. https://hello-abc123-an.a.run.app (cloud-run-deploy's url output).`,
    );
  }
  return trimmed;
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
  const audience = checkAudience(inputs.audience);
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
