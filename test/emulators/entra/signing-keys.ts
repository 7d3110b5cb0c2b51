// A token issuer's RSA signing keys, published as a JWKS. Like Entra (and GitHub), each key is a
// self-signed certificate whose base64url SHA-1 thumbprint is both `kid` and `x5t`. Rotation follows
// Entra's practice: a new key is published and used at once, older keys stay in the JWKS (tokens
// they signed keep verifying) until they are retired explicitly.

import { createPublicKey } from "node:crypto";
import { type JWTPayload, SignJWT } from "jose";
import type { Json } from "../json.ts";
import { createSelfSignedCert, type SelfSignedCert } from "./self-signed-cert.ts";

export interface PublishedKey {
  kid: string;
  cert: SelfSignedCert;
}

export interface JwkEntry {
  kty: string;
  use: string;
  kid: string;
  x5t: string;
  n: string;
  e: string;
  x5c: string[];
  [extra: string]: unknown;
}

export class SigningKeys {
  readonly #keys: PublishedKey[] = [];
  #currentKid = "";
  readonly #commonName: string;

  private constructor(commonName: string) {
    this.#commonName = commonName;
  }

  /** `count` keys are published; the first signs until the next rotation. */
  static async create(commonName: string, count: number): Promise<SigningKeys> {
    if (count < 1) throw new Error("SigningKeys: at least one key is needed");
    const keys = new SigningKeys(commonName);
    // Made side by side: key generation runs in Node's thread pool.
    const certs = await Promise.all(Array.from({ length: count }, () => createSelfSignedCert(commonName)));
    keys.#keys.push(...certs.map((cert) => ({ kid: cert.x5t, cert })));
    const first = keys.#keys[0];
    if (!first) throw new Error("SigningKeys: no key was created");
    keys.#currentKid = first.kid;
    return keys;
  }

  get currentKid(): string {
    return this.#currentKid;
  }

  /** Published kids, newest last. */
  get kids(): string[] {
    return this.#keys.map((key) => key.kid);
  }

  find(kid: string): PublishedKey | undefined {
    return this.#keys.find((key) => key.kid === kid);
  }

  /** Publishes a new key and signs with it from now on; returns its kid. */
  async rotate(): Promise<string> {
    const key = await this.#add();
    this.#currentKid = key.kid;
    return key.kid;
  }

  /** Removes a key from the JWKS; tokens it signed stop verifying. The current key cannot go. */
  retire(kid: string): void {
    if (kid === this.#currentKid) throw new Error(`key ${kid} signs current tokens; rotate first`);
    const index = this.#keys.findIndex((key) => key.kid === kid);
    if (index < 0) throw new Error(`no published key ${kid}`);
    this.#keys.splice(index, 1);
  }

  /** The JWKS document; `extra` adds per-key members (Entra v2 adds `issuer`, GitHub adds `alg`). */
  jwks(extra: Json = {}): { keys: JwkEntry[] } {
    return {
      keys: this.#keys.map(({ kid, cert }) => {
        const jwk = createPublicKey(cert.certPem).export({ format: "jwk" });
        if (typeof jwk.n !== "string" || typeof jwk.e !== "string") throw new Error("not an RSA key");
        return {
          kty: "RSA",
          use: "sig",
          kid,
          x5t: cert.x5t,
          n: jwk.n,
          e: jwk.e,
          x5c: [cert.x509.raw.toString("base64")],
          ...extra,
        };
      }),
    };
  }

  /** Signs RS256 with `kid` (default: the current key); `header` adds protected header members. */
  async sign(payload: JWTPayload, header: Json = {}, kid = this.#currentKid): Promise<string> {
    const key = this.find(kid);
    if (!key) throw new Error(`no published key ${kid}`);
    return new SignJWT(payload)
      .setProtectedHeader({ typ: "JWT", alg: "RS256", ...header, kid: key.kid })
      .sign(key.cert.privateKey);
  }

  async #add(): Promise<PublishedKey> {
    const cert = await createSelfSignedCert(this.#commonName);
    const key = { kid: cert.x5t, cert };
    this.#keys.push(key);
    return key;
  }
}
