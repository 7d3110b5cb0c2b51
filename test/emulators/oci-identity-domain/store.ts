// An OCI IAM identity domain as far as fngate meets it: OAuth clients allowed (or not) the token
// exchange grant, identity propagation trusts for external JWT issuers (GitHub's), the key that signs
// user principal session tokens (UPSTs), and the OAuth 2.0 client credentials of auth.<region>
// (seed 003) with the key signing their access tokens. One store per OciState, so every emulator
// instance has its own; the OCI emulator's session-token key resolver reads the same store.
import {
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import type { OciState } from "../oci/state.ts";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const UPST_ISSUER = "authService.oracle.com";

export interface OAuthClient {
  clientId: string;
  /** Confidential clients only: the token exchange authenticates every client with its secret. */
  clientSecret: string;
  grantTypes: string[];
}

export interface PropagationTrust {
  /** The external issuer's `iss`, e.g. https://token.actions.githubusercontent.com. */
  issuer: string;
  /** The issuer's published keys (what the trust's public key endpoint serves). */
  jwks: { keys: JsonWebKey[] };
  /** Accepted `aud` values. */
  audiences: string[];
  /** OAuth clients allowed to exchange tokens through this trust. */
  clientIds: string[];
  /** `sub` → the user the session acts as; a trailing `*` matches any suffix. */
  rules: { subject: string; userId: string }[];
  tenancyId: string;
}

/** One audience-scope pair of a credential, as the SDK model (OAuth2ClientCredentialScopes) has it. */
export interface CredentialScope {
  audience: string;
  scope: string;
}

export interface OAuthCredential {
  /** ocid1.credential.oc1..…, the basic-auth user name. */
  id: string;
  secret: string;
  /** The audience-scope pairs the credential was created with. */
  scopes: CredentialScope[];
  tenancyId: string;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export class IdentityDomainStore {
  readonly #clock: () => Date;
  /** Added to the emulator clock: lets a test age tokens (a GitHub token or a UPST) past their expiry. */
  clockOffsetMs = 0;
  readonly clients = new Map<string, OAuthClient>();
  readonly trusts: PropagationTrust[] = [];
  readonly credentials = new Map<string, OAuthCredential>();
  /** Bodies of the requests /oauth2/token received, as sent: the wire format tests assert on. */
  readonly clientCredentialsBodies: string[] = [];
  /** Signs UPSTs; OCI's front door trusts it. */
  readonly sessionKey = newSigningKey("upst");
  /** Signs the OAuth 2.0 client credentials access tokens; published at /oauth2/jwks. */
  readonly oauthKey = newSigningKey("oauth");
  upstLifetimeSeconds = 3600;
  oauthTokenLifetimeSeconds = 3600;

  constructor(now: () => Date) {
    this.#clock = now;
  }

  now(): Date {
    return new Date(this.#clock().getTime() + this.clockOffsetMs);
  }

  addClient(client: OAuthClient): OAuthClient {
    this.clients.set(client.clientId, client);
    return client;
  }

  addTrust(trust: PropagationTrust): PropagationTrust {
    this.trusts.push(trust);
    return trust;
  }

  addCredential(input: { tenancyId: string; scopes: CredentialScope[] }): OAuthCredential {
    const credential: OAuthCredential = {
      id: `ocid1.credential.oc1..aaaaaaaa${randomBytes(20).toString("hex").slice(0, 52)}`,
      secret: `${randomBytes(12).toString("base64url")}{${randomBytes(6).toString("hex")}`,
      ...input,
    };
    this.credentials.set(credential.id, credential);
    return credential;
  }

  oauthJwks(): { keys: JsonWebKey[] } {
    return {
      keys: [
        {
          ...this.oauthKey.publicKey.export({ format: "jwk" }),
          kid: this.oauthKey.kid,
          use: "sig",
          alg: "RS256",
        },
      ],
    };
  }
}

const stores = new WeakMap<OciState, IdentityDomainStore>();

/** The identity domain of one OCI emulator; created on first use with that emulator's clock. */
export function identityDomainOf(state: OciState, now: () => Date = () => new Date()): IdentityDomainStore {
  let store = stores.get(state);
  if (!store) {
    store = new IdentityDomainStore(now);
    stores.set(state, store);
  }
  return store;
}

/** The store when one was ever used: a session token cannot exist otherwise. */
export function existingIdentityDomain(state: OciState): IdentityDomainStore | undefined {
  return stores.get(state);
}

function newSigningKey(prefix: string): SigningKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    kid: `${prefix}-${randomBytes(6).toString("hex")}`,
    privateKey,
    publicKey: createPublicKey(privateKey),
  };
}
