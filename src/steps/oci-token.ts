import { UserError } from "../errors.ts";
import { unverifiedClaims } from "../oci/jwt-claims.ts";
import { requestOAuth2Token } from "../oci/oauth2-token.ts";
import { requireOcid } from "../oci/ocid.ts";
import { resolveRegion } from "../oci/region.ts";
import type { StepContext } from "./step-context.ts";

export interface OciTokenInputs {
  credentialOcid: string;
  credentialSecret: string;
  region: string;
  /** Scopes as given: fully qualified, or relative to `audience` when that is set. */
  scopes: string[];
  audience?: string;
}

export interface OciTokenResult {
  accessToken: string;
  tokenType: string;
  expiresInSeconds: number;
  expiresOn: Date;
  /** The fully qualified scopes requested. */
  scopes: string[];
  /** Non-secret claims, when the token is a JWT. */
  claims: { issuer?: string; audience?: string; scope?: string };
}

// OCI allows at most 10 scopes per OAuth 2.0 client credential (seed 003).
const MAX_SCOPES = 10;

/** Everything checked without a call, so a pipeline can check it before its first stage. */
export function fullyQualifiedScopes(inputs: Pick<OciTokenInputs, "scopes" | "audience">): string[] {
  if (inputs.scopes.length === 0) {
    throw new UserError(
      "scope is required: one or more fully qualified scopes (<audience><scope>, e.g. https://x.analytics.ocp.oraclecloud.comurn:opc:resource:consumer::all), separated by spaces or new lines.",
    );
  }
  if (inputs.scopes.length > MAX_SCOPES) {
    throw new UserError(
      `scope lists ${inputs.scopes.length} scopes; an OAuth 2.0 credential has at most ${MAX_SCOPES}.`,
    );
  }
  const audience = inputs.audience?.trim();
  return inputs.scopes.map((scope) =>
    audience && !scope.startsWith(audience) ? `${audience}${scope}` : scope,
  );
}

/** An OAuth 2.0 client-credentials access token, masked before anything else sees it. */
export async function ociToken(inputs: OciTokenInputs, ctx: StepContext): Promise<OciTokenResult> {
  const credential = requireOcid(inputs.credentialOcid, "credential-ocid", ["credential"]);
  const region = resolveRegion(inputs.region, "region", (message) => ctx.logger.warning(message));
  const scopes = fullyQualifiedScopes(inputs);
  const baseUrl = ctx.endpoints.oci ?? `https://auth.${region.id}.${region.secondLevelDomain}`;
  const token = await requestOAuth2Token({
    baseUrl,
    credentialOcid: credential.value,
    credentialSecret: inputs.credentialSecret,
    scopes,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  ctx.secrets.register(token.accessToken);
  const claims = unverifiedClaims(token.accessToken) ?? {};
  const audience = Array.isArray(claims.aud) ? claims.aud.join(",") : claims.aud;
  const expiresOn = new Date(ctx.now().getTime() + token.expiresInSeconds * 1000);
  ctx.logger.info(
    `OAuth 2.0 token for ${scopes.length} scope${scopes.length === 1 ? "" : "s"} from ${baseUrl}, valid ${token.expiresInSeconds} s (until ${expiresOn.toISOString()}).`,
  );
  return {
    ...token,
    expiresOn,
    scopes,
    claims: {
      ...(typeof claims.iss === "string" ? { issuer: claims.iss } : {}),
      ...(typeof audience === "string" ? { audience } : {}),
      ...(typeof claims.scope === "string" ? { scope: claims.scope } : {}),
    },
  };
}
