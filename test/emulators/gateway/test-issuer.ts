// A minimal token issuer for gateway and preflight tests: a fresh RSA key (generated per run, never
// stored), its JWKS served over HTTPS with the test CA's certificate, an OpenID configuration naming
// the issuer a test advertises, and jose-minted RS256 tokens. It counts JWKS fetches so tests can see
// the gateway's caching.

import { createServer } from "node:https";
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import { closeServer, listenOnLoopback } from "../http/loopback-server.ts";
import type { TlsMaterial } from "../tls/test-ca.ts";

export interface TestIssuer {
  /** https://127.0.0.1:<port>: the JWKS at /keys, the OpenID configuration at /.well-known/openid-configuration. */
  url: string;
  jwksUri: string;
  issuer: string;
  jwksFetches: number;
  /** An RS256 token with iat/exp around `now` (default: valid for an hour) and these claims. */
  mint(claims?: JWTPayload, options?: { now?: Date; lifetimeSeconds?: number }): Promise<string>;
  /** Publishes `count` keys: the signing key and fresh ones (a JWKS's size is what preflight checks). */
  serveKeys(count: number): Promise<void>;
  /** The issuer the OpenID configuration names (`issuer` until changed). */
  advertise(issuer: string): void;
  close(): Promise<void>;
}

export async function startTestIssuer(
  tls: TlsMaterial,
  issuer = "https://issuer.example.test/v2.0",
): Promise<TestIssuer> {
  const publicJwk = async (kid: string): Promise<JWK> => {
    const { publicKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
    return { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
  };
  const { publicKey, privateKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  const kid = `test-${Date.now().toString(36)}`;
  const signing = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
  let keys: JWK[] = [signing];
  let advertised = issuer;
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    if (req.url === "/.well-known/openid-configuration") {
      const configuration = { issuer: advertised, jwks_uri: state.jwksUri };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(configuration));
      return;
    }
    if (req.url !== "/keys") {
      res.writeHead(404).end();
      return;
    }
    state.jwksFetches += 1;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys }));
  });
  const url = `https://127.0.0.1:${await listenOnLoopback(server)}`;
  const state: TestIssuer = {
    url,
    jwksUri: `${url}/keys`,
    issuer,
    jwksFetches: 0,
    mint: async (claims = {}, options = {}) => {
      const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
      return new SignJWT({
        iss: issuer,
        iat: now,
        nbf: now,
        exp: now + (options.lifetimeSeconds ?? 3600),
        ...claims,
      })
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .sign(privateKey);
    },
    serveKeys: async (count) => {
      keys = [
        signing,
        ...(await Promise.all(Array.from({ length: count - 1 }, (_, n) => publicJwk(`k${n}`)))),
      ];
    },
    advertise: (value) => {
      advertised = value;
    },
    close: () => closeServer(server),
  };
  return state;
}
