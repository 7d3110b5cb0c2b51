// POST /oauth2/v1/token with the token exchange grant (RFC 8693) as OCI IAM identity domains answer
// it for JWT → UPST (https://docs.oracle.com/iaas/Content/Identity/api-getstarted/json_web_token_exchange.htm):
// the client is a confidential integrated application that authenticates with basic auth
// `<client ID>:<client secret>` (Oracle's clients send exactly that: oci-typescript-sdk's token exchange
// example requires OCI_CLIENT_CREDENTIALS = base64 "client_id:client_secret"; and "In Oracle Cloud, all
// OAuth clients are confidential by default",
// https://docs.oracle.com/en/cloud/get-started/subscriptions-cloud/csimg/obtaining-access-token-using-client-authorization-header.html),
// so client_id alone in the form is refused as invalid_client. The client must be allowed the grant,
// the subject token must come from an issuer some identity propagation trust names for this client,
// verify against that issuer's keys, be unexpired, carry a trusted audience and a subject a rule maps
// to a user. Errors are OAuth error bodies.
import { createPublicKey, type KeyObject } from "node:crypto";
import { createLocalJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import { peekClaims } from "./compact-jwt.ts";
import { type IdentityDomainStore, type OAuthClient, TOKEN_EXCHANGE_GRANT } from "./store.ts";
import { mintUpst } from "./upst.ts";

export interface OAuthAnswer {
  status: number;
  body: Record<string, unknown>;
}

const UPST_TYPE = "urn:oci:token-type:oci-upst";

export async function exchangeToken(
  store: IdentityDomainStore,
  form: URLSearchParams,
  authorization: string | undefined,
): Promise<OAuthAnswer> {
  const client = authenticateClient(store, authorization);
  if ("status" in client) return client;
  if (form.get("grant_type") !== TOKEN_EXCHANGE_GRANT) {
    return oauthError(
      400,
      "unsupported_grant_type",
      `The grant type ${form.get("grant_type")} is not supported here.`,
    );
  }
  if (!client.grantTypes.includes(TOKEN_EXCHANGE_GRANT)) {
    return oauthError(
      400,
      "unauthorized_client",
      "The client is not authorized to use the token exchange grant type.",
    );
  }
  if (form.get("requested_token_type") !== UPST_TYPE) {
    return oauthError(400, "invalid_request", `requested_token_type must be ${UPST_TYPE}.`);
  }
  if (form.get("subject_token_type") !== "jwt") {
    return oauthError(400, "invalid_request", "subject_token_type must be jwt.");
  }
  const publicKey = parsePublicKey(form.get("public_key"));
  if (!publicKey) {
    return oauthError(
      400,
      "invalid_request",
      "public_key must be a base64 DER RSA public key of at least 2048 bits.",
    );
  }
  const subjectToken = form.get("subject_token") ?? "";
  const issuer = peekClaims(subjectToken)?.iss;
  const trust = store.trusts.find(
    (candidate) => candidate.issuer === issuer && candidate.clientIds.includes(client.clientId),
  );
  if (!trust) {
    return oauthError(
      400,
      "invalid_request",
      `No identity propagation trust for issuer ${String(issuer)} is configured for client ${client.clientId}.`,
    );
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(subjectToken, createLocalJWKSet(trust.jwks as never), {
      issuer: trust.issuer,
      currentDate: store.now(),
      algorithms: ["RS256"],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      return oauthError(400, "invalid_grant", "The subject token has expired.");
    return oauthError(400, "invalid_grant", "The subject token signature could not be verified.");
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? ""];
  if (!audiences.some((audience) => trust.audiences.includes(audience))) {
    return oauthError(
      400,
      "invalid_grant",
      `The subject token audience ${audiences.join(",")} is not trusted.`,
    );
  }
  const rule = trust.rules.find((candidate) => subjectMatches(candidate.subject, claims.sub ?? ""));
  if (!rule) {
    return oauthError(
      400,
      "invalid_grant",
      `No impersonation rule of the trust matches subject ${claims.sub}.`,
    );
  }
  return {
    status: 200,
    body: { token: mintUpst(store, { userId: rule.userId, tenancyId: trust.tenancyId, publicKey }) },
  };
}

/** Basic auth `<client ID>:<client secret>`: the only client authentication this endpoint takes. */
export function authenticateClient(
  store: IdentityDomainStore,
  authorization: string | undefined,
): OAuthClient | OAuthAnswer {
  const [id, secret] = basicCredentials(authorization) ?? [];
  const client = id === undefined ? undefined : store.clients.get(id);
  if (!client || client.clientSecret !== secret) {
    return oauthError(401, "invalid_client", "Client authentication failed.");
  }
  return client;
}

/** `Basic base64(<id>:<secret>)` as [id, secret]; undefined without a colon. */
export function basicCredentials(authorization: string | undefined): [string, string] | undefined {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "")?.[1];
  const decoded = basic ? Buffer.from(basic, "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

export function oauthError(status: number, error: string, description: string): OAuthAnswer {
  return { status, body: { error, error_description: description } };
}

function parsePublicKey(base64: string | null): KeyObject | undefined {
  if (!base64) return undefined;
  try {
    const key = createPublicKey({ key: Buffer.from(base64, "base64"), format: "der", type: "spki" });
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return key.asymmetricKeyType === "rsa" && bits >= 2048 ? key : undefined;
  } catch {
    return undefined;
  }
}

function subjectMatches(pattern: string, subject: string): boolean {
  return pattern.endsWith("*") ? subject.startsWith(pattern.slice(0, -1)) : pattern === subject;
}
