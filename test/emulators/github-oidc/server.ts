// A local GitHub Actions OIDC issuer over HTTPS, standing in for token.actions.githubusercontent.com
// (discovery + JWKS) and for the runner's token request endpoint that @actions/core getIDToken calls:
// GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=<aud> with `Authorization: Bearer
// <ACTIONS_ID_TOKEN_REQUEST_TOKEN>`, answered with {"value": "<jwt>"}. Each envFor() is one job.

import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SigningKeys } from "../entra/signing-keys.ts";
import { closeServer, serveHttpsOnLoopback } from "../http/loopback-server.ts";
import type { TlsMaterial } from "../tls/test-ca.ts";
import { type GithubJob, githubTokenClaims } from "./claims.ts";

export interface GithubOidcOptions {
  tls: TlsMaterial;
  now?: () => Date;
  /** exp - iat of issued tokens; default 300 s. */
  tokenLifetimeSeconds?: number;
}

export interface EnvForOptions {
  /** false: the job lacks `permissions: id-token: write`, so the runner sets no variables. */
  idTokenWrite?: boolean;
  /** true: the request token does not match the job's, so the endpoint answers 401. */
  badRequestToken?: boolean;
}

export interface IdTokenRequestLogEntry {
  time: string;
  path: string;
  status: number;
  audience?: string;
}

export interface GithubOidcIssuer {
  /** The `iss` of issued tokens, https://127.0.0.1:<port> (no trailing slash, like GitHub's). */
  issuer: string;
  jwksUri: string;
  keys: SigningKeys;
  /** ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN for a job, as the runner sets them. */
  envFor(job: GithubJob, options?: EnvForOptions): Record<string, string>;
  /** A token for `job` without going through the request endpoint. */
  mint(job: GithubJob, audience?: string): Promise<string>;
  /** Token requests in arrival order. */
  requests: IdTokenRequestLogEntry[];
  close(): Promise<void>;
}

interface JobEntry {
  job: GithubJob;
  requestToken: string;
}

const TOKEN_PATH =
  /^\/_apis\/distributedtask\/hubs\/Actions\/plans\/([0-9a-f-]+)\/jobs\/([0-9a-f-]+)\/idtoken$/;

export async function startGithubOidcIssuer(options: GithubOidcOptions): Promise<GithubOidcIssuer> {
  const now = options.now ?? (() => new Date());
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 300;
  const keys = await SigningKeys.create("token.actions.githubusercontent.com", 2);
  const jobs = new Map<string, JobEntry>();
  const requests: IdTokenRequestLogEntry[] = [];
  let issuer = "";

  const mint = (job: GithubJob, audience?: string) =>
    keys.sign(githubTokenClaims(job, issuer, audience, now(), lifetimeSeconds), { x5t: keys.currentKid });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.resume();
    const url = new URL(req.url ?? "/", issuer);
    if (req.method !== "GET") return send(res, 405, { message: "Method not allowed" });
    if (url.pathname === "/.well-known/openid-configuration") return send(res, 200, discovery(issuer));
    if (url.pathname === "/.well-known/jwks") return send(res, 200, keys.jwks({ alg: "RS256" }));
    const match = TOKEN_PATH.exec(url.pathname);
    if (!match) return send(res, 404, { message: "Not found" });
    const audience = url.searchParams.get("audience") ?? undefined;
    const log = (status: number) =>
      requests.push({
        time: now().toISOString(),
        path: url.pathname,
        status,
        ...(audience ? { audience } : {}),
      });
    const entry = jobs.get(match[2] ?? "");
    const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!entry || presented !== entry.requestToken) {
      log(401);
      return send(res, 401, {
        message: "TF400813: The user '' is not authorized to access this resource.",
        typeKey: "UnauthorizedRequestException",
      });
    }
    if (url.searchParams.get("api-version") !== "2.0") {
      log(400);
      return send(res, 400, { message: "The api-version query parameter is required and must be 2.0." });
    }
    log(200);
    return send(res, 200, { value: await mint(entry.job, audience) });
  }

  const { server, url } = await serveHttpsOnLoopback(options.tls, "github oidc issuer", handle);
  issuer = url;

  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks`,
    keys,
    envFor: (job, envOptions = {}) => {
      if (envOptions.idTokenWrite === false) return {};
      const jobId = randomUUID();
      const requestToken = randomBytes(32).toString("base64url");
      jobs.set(jobId, { job, requestToken });
      const plan = randomUUID();
      return {
        ACTIONS_ID_TOKEN_REQUEST_URL: `${issuer}/_apis/distributedtask/hubs/Actions/plans/${plan}/jobs/${jobId}/idtoken?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: envOptions.badRequestToken ? `${requestToken}x` : requestToken,
      };
    },
    mint,
    requests,
    close: () => closeServer(server),
  };
}

function discovery(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks`,
    subject_types_supported: ["public", "pairwise"],
    response_types_supported: ["id_token"],
    claims_supported: ["sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository", "repository_id"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid"],
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body), "utf8");
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(payload.length),
  });
  res.end(payload);
}
