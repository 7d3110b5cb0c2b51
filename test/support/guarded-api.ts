import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWTVerifyOptions,
  jwtVerify,
  SignJWT,
} from "jose";
import type { TlsMaterial } from "../emulators/tls/test-ca.ts";

/**
 * A small HTTPS API in front of which the smoke test is pointed: it verifies bearer tokens with jose
 * (issuer, audience, RS256 signature, expiry) the way a gateway does, and publishes its key at /jwks.
 * Other verifiers stand for the broken ones the smoke test must catch: `lenient` only decodes tokens;
 * `hs256-pem` lets the token pick HS256 and then uses the public key's PEM text as the HMAC secret
 * (key confusion); `ignores-expiry` checks everything but exp.
 */
export type Verifier = "strict" | "lenient" | "hs256-pem" | "ignores-expiry";

export interface GuardedApiOptions {
  verifier?: Verifier;
  /** The signing algorithm; ES256 signatures are short enough that a whole token fits in a clipped body. */
  algorithm?: "RS256" | "ES256";
  /** Same as verifier: "lenient". */
  lenient?: boolean;
  /** Answer every request 500 with the Authorization header in the body. */
  echoAuthorization?: boolean;
  /**
   * Answer as the verifier decides, with the Authorization header echoed in the body (JSON field
   * `authorization`) and in a header (x-echo-authorization, and the 401's WWW-Authenticate).
   */
  reflectAuthorization?: boolean;
}

export interface GuardedApi {
  url: string;
  /** https://127.0.0.1:<port>/jwks, the key set that verifies its tokens. */
  jwksUri: string;
  requests: { path: string; authorization: string | undefined }[];
  token(claims?: Record<string, unknown>): Promise<string>;
  /** Answer `status` for the next `count` requests (a deployment still propagating). */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

const ISSUER = "https://issuer.test/";
const AUDIENCE = "api://my-oci-api";

export async function startGuardedApi(
  tls: TlsMaterial,
  options: GuardedApiOptions = {},
): Promise<GuardedApi> {
  const verifier: Verifier = options.lenient ? "lenient" : (options.verifier ?? "strict");
  const alg = options.algorithm ?? "RS256";
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1", use: "sig", alg }] });
  const pem = new TextEncoder().encode(await exportSPKI(publicKey));
  const requests: GuardedApi["requests"] = [];
  const failures: number[] = [];
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    if (req.url === "/jwks") {
      res.writeHead(200, { "content-type": "application/json" }).end(jwks);
      return;
    }
    const authorization = req.headers.authorization;
    requests.push({ path: req.url ?? "", authorization });
    const failure = failures.shift();
    if (failure !== undefined) {
      res
        .writeHead(failure, { "content-type": "application/json" })
        .end(JSON.stringify({ message: "not yet" }));
      return;
    }
    if (options.echoAuthorization) {
      res.writeHead(500, { "content-type": "text/plain" }).end(`debug: got ${authorization}`);
      return;
    }
    // First in the body, as a debugging endpoint would put it, so a clipped body still holds it.
    const echo = options.reflectAuthorization ? { authorization: authorization ?? "" } : {};
    const echoHeader = options.reflectAuthorization ? { "x-echo-authorization": authorization ?? "" } : {};
    authorize(authorization, { verifier, alg, publicKey, pem }).then(
      () =>
        res
          .writeHead(200, { "content-type": "application/json", ...echoHeader })
          .end(JSON.stringify({ ...echo, message: "Hello World" })),
      () =>
        res
          .writeHead(401, {
            "www-authenticate": options.reflectAuthorization
              ? `Bearer error="invalid_token", error_description="refused ${authorization ?? ""}"`
              : 'Bearer error="invalid_token"',
            ...echoHeader,
          })
          .end(JSON.stringify({ ...echo, code: 401, message: "Unauthorized" })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/hello`,
    jwksUri: `https://127.0.0.1:${port}/jwks`,
    requests,
    token: (claims = {}) =>
      new SignJWT({
        iss: ISSUER,
        aud: AUDIENCE,
        roles: ["Invoke"],
        iat: nowSeconds(),
        exp: nowSeconds() + 3600,
        ...claims,
      })
        .setProtectedHeader({ alg, kid: "k1" })
        .sign(privateKey),
    failNext: (count, status) => failures.push(...Array<number>(count).fill(status)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function authorize(
  header: string | undefined,
  keys: { verifier: Verifier; alg: string; publicKey: CryptoKey; pem: Uint8Array },
): Promise<void> {
  const token = /^Bearer (.+)$/.exec(header ?? "")?.[1];
  if (!token) throw new Error("no token");
  const checks: JWTVerifyOptions = { issuer: ISSUER, audience: AUDIENCE, requiredClaims: ["exp"] };
  switch (keys.verifier) {
    case "lenient":
      decodeJwt(token);
      return;
    case "hs256-pem":
      // The classic bug: the token names the algorithm and the verifier hands it the key it has.
      if (decodeProtectedHeader(token).alg === "HS256") {
        await jwtVerify(token, keys.pem, { ...checks, algorithms: ["HS256"] });
        return;
      }
      break;
    case "ignores-expiry":
      await jwtVerify(token, keys.publicKey, {
        ...checks,
        algorithms: ["RS256"],
        clockTolerance: "100 years",
      });
      return;
    case "strict":
      break;
  }
  await jwtVerify(token, keys.publicKey, { ...checks, algorithms: [keys.alg] });
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
