// Google STS token exchange for workload identity federation: a GitHub OIDC token, verified against
// the provider's issuer (JWKS), allowed audiences and attribute condition, becomes a federated token.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import { conditionHolds } from "./attribute-condition.ts";
import { sendJson, sendOAuthError } from "./http-io.ts";
import { form, TOKEN_LIFETIME_SECONDS, type TokenContext } from "./token-context.ts";

const jwksByIssuer = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export async function stsToken(ctx: TokenContext, req: IncomingMessage, res: ServerResponse): Promise<true> {
  const params = req.method === "POST" ? await form(req) : undefined;
  if (!params) return sendOAuthError(res, "invalid_request", "POST a form-encoded body.");
  const expect: Record<string, string> = {
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
  };
  for (const [name, value] of Object.entries(expect)) {
    if (params.get(name) !== value)
      return sendOAuthError(res, "invalid_request", `Invalid value for "${name}".`);
  }
  const subjectTokenType = params.get("subject_token_type");
  if (
    subjectTokenType !== "urn:ietf:params:oauth:token-type:jwt" &&
    subjectTokenType !== "urn:ietf:params:oauth:token-type:id_token"
  ) {
    return sendOAuthError(res, "invalid_request", 'Invalid value for "subject_token_type".');
  }
  const audience = params.get("audience") ?? "";
  const provider = ctx.state.providers.get(audience.replace(/^\/\/iam\.googleapis\.com\//, ""));
  if (!audience.startsWith("//iam.googleapis.com/") || !provider) {
    return sendOAuthError(
      res,
      "invalid_target",
      'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
    );
  }
  let jwks = jwksByIssuer.get(provider.issuer);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(`${provider.issuer}/.well-known/jwks`));
    jwksByIssuer.set(provider.issuer, jwks);
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(params.get("subject_token") ?? "", jwks, {
      algorithms: ["RS256"],
      issuer: provider.issuer,
      currentDate: ctx.now(),
    }));
  } catch (error) {
    return sendOAuthError(
      res,
      "invalid_grant",
      `The ID Token could not be verified: ${(error as Error).message}`,
    );
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? ""];
  if (!audiences.some((aud) => provider.allowedAudiences.includes(aud))) {
    return sendOAuthError(
      res,
      "invalid_grant",
      `The audience in ID Token [${audiences.join(", ")}] does not match the expected audience.`,
    );
  }
  if (provider.attributeCondition && !conditionHolds(provider.attributeCondition, claims)) {
    return sendOAuthError(
      res,
      "unauthorized_client",
      "The given credential is rejected by the attribute condition.",
    );
  }
  const pool = provider.name.replace(/\/providers\/[^/]+$/, "");
  const memberships = ["repository", "repository_owner"]
    .filter((claim) => typeof claims[claim] === "string")
    .map((claim) => `principalSet://iam.googleapis.com/${pool}/attribute.${claim}/${String(claims[claim])}`);
  const token = ctx.state.issueToken(
    {
      principal: `principal://iam.googleapis.com/${pool}/subject/${claims.sub ?? ""}`,
      memberships,
      kind: "federated",
    },
    TOKEN_LIFETIME_SECONDS,
    ctx.now().getTime(),
  );
  return sendJson(res, 200, {
    access_token: token,
    issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
    token_type: "Bearer",
    expires_in: TOKEN_LIFETIME_SECONDS - 1,
  });
}
