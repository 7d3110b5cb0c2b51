// Authenticates the client of a token request the three ways Entra allows for client credentials:
// a client secret, an assertion signed by an uploaded certificate, or a federated assertion (a token
// from an external OIDC issuer such as GitHub Actions). Each failure is the AADSTS error Entra
// returns for it. Returns appidacr: "1" for a secret, "2" for either assertion.
import { timingSafeEqual } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import { assertionFailure } from "./assertion-failure.ts";
import type { Application } from "./directory.ts";
import { aad } from "./errors.ts";
import type { FederatedVerifier } from "./federated-verifier.ts";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export interface ClientAuthContext {
  app: Application;
  form: URLSearchParams;
  /** Audiences Entra accepts in a certificate assertion: its token endpoints for this tenant. */
  assertionAudiences: string[];
  federated: FederatedVerifier;
  now: Date;
}

export async function authenticateClient(context: ClientAuthContext): Promise<"1" | "2"> {
  const { form, app } = context;
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  const assertionType = form.get("client_assertion_type");
  if (secret !== null && assertion !== null) throw aad.malformed();
  if (secret !== null) {
    checkSecret(app, secret, context.now);
    return "1";
  }
  if (assertion === null) throw aad.noCredential();
  if (assertionType === null) throw aad.missingParameter("client_assertion_type");
  if (assertionType !== JWT_BEARER) throw aad.badAssertionType(assertionType);
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    payload = decodeJwt(assertion);
  } catch {
    throw aad.malformedAssertion();
  }
  // Entra tells the two kinds apart by the issuer: the app itself, or an external identity provider.
  if (payload.iss === app.appId) {
    await checkCertificateAssertion(context, assertion, header);
  } else {
    await context.federated.verify(app, assertion, payload, context.now);
  }
  return "2";
}

function checkSecret(app: Application, presented: string, now: Date): void {
  const matching = app.secrets.filter((secret) => sameString(secret.value, presented));
  if (matching.length === 0) throw aad.invalidSecret(app.appId);
  if (matching.every((secret) => secret.expiresAt.getTime() <= now.getTime()))
    throw aad.expiredSecret(app.appId);
}

async function checkCertificateAssertion(
  context: ClientAuthContext,
  assertion: string,
  header: ReturnType<typeof decodeProtectedHeader>,
): Promise<void> {
  const { app } = context;
  const x5tS256 = typeof header["x5t#S256"] === "string" ? header["x5t#S256"] : undefined;
  const x5t = typeof header.x5t === "string" ? header.x5t : undefined;
  const cert = app.certificates.find(
    (candidate) =>
      (x5tS256 !== undefined && candidate.x5tS256 === x5tS256) ||
      (x5t !== undefined && candidate.x5t === x5t),
  );
  if (!cert) {
    const presented = x5tS256 ?? x5t ?? "<none>";
    throw aad.assertionInvalid(
      `The key was not found., Thumbprint of key used by client: '${presented}'`,
      app.appId,
    );
  }
  try {
    await jwtVerify(assertion, cert.publicKey, {
      // MSAL signs PS256 when it has a SHA-256 thumbprint and RS256 with a SHA-1 one.
      algorithms: ["PS256", "RS256"],
      audience: context.assertionAudiences,
      requiredClaims: ["aud", "iss", "sub", "exp", "jti"],
      currentDate: context.now,
      clockTolerance: 300,
    });
  } catch (error) {
    throw assertionFailure(error, app.appId);
  }
  const payload = decodeJwt(assertion);
  if (payload.sub !== app.appId) throw aad.assertionClientMismatch();
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
