// Artifact Registry's Docker token service, as `docker login` and `docker push` meet it: the registry
// answers 401 with a Bearer challenge naming this realm, and Docker asks it for a registry token with
// basic auth. The credential Artifact Registry documents for an access token is the user
// `oauth2accesstoken` with the token as password (`docker login -u oauth2accesstoken --password-stdin
// https://LOCATION-docker.pkg.dev`, https://docs.cloud.google.com/artifact-registry/docs/docker/authentication);
// the password must be an access token this emulator issued and that is still valid. Pushing needs
// roles/artifactregistry.writer (https://docs.cloud.google.com/artifact-registry/docs/access-control),
// otherwise the answer is 403 DENIED naming the missing permission. The registry token is a JWT with
// an `access` claim, signed with a key whose certificate the distribution registry trusts
// (auth.token.rootcertbundle), carried in the x5c header as distribution verifies it.
import { createPrivateKey, type KeyObject, randomUUID, X509Certificate } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SignJWT } from "jose";
import { opensslSelfSigned } from "../tls/openssl-self-signed.ts";
import { callerMembers } from "./bearer-auth.ts";
import { sendJson } from "./http-io.ts";
import type { TokenContext } from "./token-context.ts";

export const REGISTRY_TOKEN_PATH = "/artifactregistry/v2/token";
const TOKEN_SECONDS = 300;

/** What a distribution registry needs to trust this token service (auth.token in its config). */
export interface RegistryTokenAuth {
  realm: string;
  service: string;
  issuer: string;
  /** PEM of the certificate whose key signs the tokens. */
  rootCertPem: string;
}

export interface RegistryTokenSigner {
  certPem: string;
  certDerBase64: string;
  privateKey: KeyObject;
}

export async function createRegistryTokenSigner(): Promise<RegistryTokenSigner> {
  const { certPem, keyPem } = await opensslSelfSigned("gcp-emulator artifact registry tokens", {
    key: "ec-p256",
    days: 2,
  });
  return {
    certPem,
    certDerBase64: new X509Certificate(certPem).raw.toString("base64"),
    privateKey: createPrivateKey(keyPem),
  };
}

interface RegistryTokenContext extends TokenContext {
  registry: { signer: RegistryTokenSigner; service: string; issuer: string } | undefined;
}

export async function handleRegistryToken(
  ctx: RegistryTokenContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  req.resume();
  const registry = ctx.registry;
  if (!registry || req.method !== "GET") return registryError(res, 404, "NOT_FOUND", "Not found.");
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const decoded = basic ? Buffer.from(basic, "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  const caller =
    colon > 0 && decoded.slice(0, colon) === "oauth2accesstoken"
      ? ctx.state.caller(decoded.slice(colon + 1), ctx.now().getTime())
      : undefined;
  if (!caller) return registryError(res, 401, "UNAUTHORIZED", "authentication failed");
  if (url.searchParams.get("service") !== registry.service)
    return registryError(res, 400, "INVALID_REQUEST", "unknown service");
  const access: { type: string; name: string; actions: string[] }[] = [];
  for (const scope of url.searchParams.getAll("scope")) {
    const match = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
    if (!match) return registryError(res, 400, "INVALID_REQUEST", `malformed scope ${scope}`);
    const name = match[1] ?? "";
    const [project = "", repository = ""] = name.split("/");
    const record = ctx.state.projects.get(project);
    const allowed = record !== undefined && callerMembers(caller).some((m) => record.registryWriters.has(m));
    if (!allowed) {
      const action = (match[2] ?? "").includes("push") ? "uploadArtifacts" : "downloadArtifacts";
      return registryError(
        res,
        403,
        "DENIED",
        `Permission "artifactregistry.repositories.${action}" denied on resource "projects/${project}/locations/-/repositories/${repository}" (or it may not exist)`,
      );
    }
    access.push({ type: "repository", name, actions: (match[2] ?? "").split(",") });
  }
  const now = Math.floor(ctx.now().getTime() / 1000);
  const token = await new SignJWT({ access })
    .setProtectedHeader({ alg: "ES256", typ: "JWT", x5c: [registry.signer.certDerBase64] })
    .setIssuer(registry.issuer)
    .setSubject(caller.principal)
    .setAudience(registry.service)
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + TOKEN_SECONDS)
    .setJti(randomUUID())
    .sign(registry.signer.privateKey);
  sendJson(res, 200, {
    token,
    access_token: token,
    expires_in: TOKEN_SECONDS,
    issued_at: new Date(now * 1000).toISOString(),
  });
}

/** The registry API's error envelope, which docker prints as "<code>: <message>". */
function registryError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ code, message }] });
}
