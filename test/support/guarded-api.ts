import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { type CryptoKey, decodeJwt, generateKeyPair, jwtVerify, SignJWT } from "jose";
import type { TlsMaterial } from "../emulators/tls/test-ca.ts";

/**
 * A small HTTPS API in front of which the smoke test is pointed: it verifies bearer tokens with jose
 * (issuer, audience, RS256 signature) the way a gateway does, or, as `lenient`, only decodes them, the
 * way a broken verifier does, so tests can prove the smoke test notices.
 */
export interface GuardedApi {
  url: string;
  requests: { path: string; authorization: string | undefined }[];
  token(claims?: Record<string, unknown>): Promise<string>;
  /** Answer `status` for the next `count` requests (a deployment still propagating). */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

export async function startGuardedApi(
  tls: TlsMaterial,
  options: { lenient?: boolean; echoAuthorization?: boolean } = {},
): Promise<GuardedApi> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const requests: GuardedApi["requests"] = [];
  const failures: number[] = [];
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
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
    authorize(authorization, publicKey, options.lenient === true).then(
      () =>
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ message: "Hello World" })),
      () =>
        res
          .writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' })
          .end('{"code":401,"message":"Unauthorized"}'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/hello`,
    requests,
    token: (claims = {}) =>
      new SignJWT({ iss: "https://issuer.test/", aud: "api://my-oci-api", roles: ["Invoke"], ...claims })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey),
    failNext: (count, status) => failures.push(...Array<number>(count).fill(status)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function authorize(header: string | undefined, key: CryptoKey, lenient: boolean): Promise<void> {
  const token = /^Bearer (.+)$/.exec(header ?? "")?.[1];
  if (!token) throw new Error("no token");
  if (lenient) {
    decodeJwt(token);
    return;
  }
  await jwtVerify(token, key, {
    issuer: "https://issuer.test/",
    audience: "api://my-oci-api",
    algorithms: ["RS256"],
  });
}
