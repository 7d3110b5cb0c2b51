// Workload identity federation: the client assertion is a token from an external OIDC issuer
// (GitHub Actions). Like Entra, the emulator finds the app's federated credentials for the token's
// issuer, discovers that issuer's JWKS through its openid-configuration over HTTPS, verifies the
// signature and lifetime with jose, then requires a credential whose subject and audience match.
import { createRemoteJWKSet, customFetch, type JWTPayload, jwtVerify } from "jose";
import { assertionFailure } from "./assertion-failure.ts";
import { caFetch } from "./ca-fetch.ts";
import type { Application } from "./directory.ts";
import { aad } from "./errors.ts";

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

export class FederatedVerifier {
  readonly #fetch: ReturnType<typeof caFetch>;
  readonly #jwks = new Map<string, Promise<RemoteJwks>>();

  /** `caPem`: the CA the external issuers' HTTPS certificates chain to. */
  constructor(caPem: string) {
    this.#fetch = caFetch(caPem);
  }

  async verify(app: Application, assertion: string, claims: JWTPayload, now: Date): Promise<void> {
    const issuer = typeof claims.iss === "string" ? claims.iss : "";
    const candidates = app.federatedCredentials.filter((credential) => credential.issuer === issuer);
    if (candidates.length === 0) throw aad.federatedIssuerUnknown(issuer);
    try {
      await jwtVerify(assertion, await this.#jwksFor(issuer), {
        issuer,
        algorithms: ["RS256"],
        requiredClaims: ["sub", "aud", "exp"],
        currentDate: now,
      });
    } catch (error) {
      throw assertionFailure(error, app.appId);
    }
    const subject = typeof claims.sub === "string" ? claims.sub : "";
    const audiences = typeof claims.aud === "string" ? [claims.aud] : (claims.aud ?? []);
    const match = candidates.find(
      (credential) =>
        credential.subject === subject &&
        audiences.some((audience) => credential.audiences.includes(audience)),
    );
    if (!match) throw aad.federatedNoMatch(issuer, subject, audiences.join(","));
  }

  #jwksFor(issuer: string): Promise<RemoteJwks> {
    let jwks = this.#jwks.get(issuer);
    if (!jwks) {
      jwks = this.#discover(issuer);
      // A failed discovery is retried on the next request instead of being cached.
      jwks.catch(() => this.#jwks.delete(issuer));
      this.#jwks.set(issuer, jwks);
    }
    return jwks;
  }

  async #discover(issuer: string): Promise<RemoteJwks> {
    const configUrl = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await this.#fetch(configUrl);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      throw aad.assertionInvalid(
        `Unable to fetch the OpenID configuration of issuer '${issuer}': ${String(error)}`,
        "",
      );
    }
    if (document.issuer !== issuer || typeof document.jwks_uri !== "string")
      throw aad.assertionInvalid(`The OpenID configuration of issuer '${issuer}' is not valid.`, "");
    return createRemoteJWKSet(new URL(document.jwks_uri), { [customFetch]: this.#fetch });
  }
}
