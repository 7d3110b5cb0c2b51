// A minimal token issuer for gateway tests: a fresh RSA key (generated per run, never stored),
// its JWKS served over HTTPS with the test CA's certificate, and jose-minted RS256 tokens. It
// counts JWKS fetches so tests can see the gateway's caching.

import { createServer } from "node:https";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { closeServer, listenOnLoopback } from "../http/loopback-server.ts";
import type { TlsMaterial } from "../tls/test-ca.ts";

export interface TestIssuer {
  /** https://127.0.0.1:<port>/keys */
  jwksUri: string;
  issuer: string;
  jwksFetches: number;
  /** An RS256 token with iat/exp around `now` (default: valid for an hour) and these claims. */
  mint(claims?: JWTPayload, options?: { now?: Date; lifetimeSeconds?: number }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(
  tls: TlsMaterial,
  issuer = "https://issuer.example.test/v2.0",
): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  const kid = `test-${Date.now().toString(36)}`;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" }] });
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    if (req.url !== "/keys") {
      res.writeHead(404).end();
      return;
    }
    state.jwksFetches += 1;
    res.writeHead(200, { "content-type": "application/json" }).end(jwks);
  });
  const port = await listenOnLoopback(server);
  const state: TestIssuer = {
    jwksUri: `https://127.0.0.1:${port}/keys`,
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
    close: () => closeServer(server),
  };
  return state;
}
