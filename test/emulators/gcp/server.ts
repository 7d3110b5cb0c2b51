// A local stand-in for the Google APIs the Cloud Run actions call, over HTTPS with the stack's CA:
// one listener for the APIs (Cloud Run Admin v2 at /v2, STS at /sts, IAM Credentials at
// /iamcredentials, OAuth2 token at /oauth2/token, IAM at /iam and Artifact Registry at /artifactregistry
// for preflight's read-only checks: the layout FNGATE_GCP_ENDPOINT points at), and two
// for deployed services' own URLs: the outside world, and the project's VPC (internal ingress).
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SigningKeys } from "../entra/signing-keys.ts";
import { closeServer, serveHttpsOnLoopback } from "../http/loopback-server.ts";
import type { TlsMaterial } from "../tls/test-ca.ts";
import { trustCaInProcess } from "../tls/trust.ts";
import { handleArtifactRegistry } from "./artifact-registry-api.ts";
import {
  createRegistryTokenSigner,
  handleRegistryToken,
  REGISTRY_TOKEN_PATH,
  type RegistryTokenAuth,
  type RegistryTokenSigner,
} from "./artifact-registry-token.ts";
import { handleTokenRoute } from "./google-tokens.ts";
import { sendGoogleError } from "./http-io.ts";
import { handleIamServiceAccounts } from "./iam-service-accounts.ts";
import { handleRunAdmin } from "./run-admin.ts";
import { handleServiceUrl } from "./service-url.ts";
import { GcpState, type ProjectRecord, type ServiceAccountRecord } from "./state.ts";

export interface GcpEmulatorOptions {
  tls: TlsMaterial;
  now?: () => Date;
}

export interface ServiceAccountKeyFile {
  email: string;
  /** The key file's JSON text, as `gcloud iam service-accounts keys create` writes it. */
  json: string;
  privateKeyId: string;
}

export interface ProviderOptions {
  /** Project ID that owns the pool. */
  project: string;
  pool: string;
  provider: string;
  /** The OIDC issuer it trusts (the GitHub OIDC emulator's issuer). */
  issuer: string;
  attributeCondition?: string;
  /** Default: https://iam.googleapis.com/<provider name>, as Google's default audience. */
  allowedAudiences?: string[];
}

export interface GcpEmulator {
  /** Base URL of the APIs: what FNGATE_GCP_ENDPOINT is set to. */
  url: string;
  state: GcpState;
  addProject(id: string): ProjectRecord;
  /** A service account in `project` with one key; returns the key file. */
  addServiceAccount(project: string, name: string): ServiceAccountKeyFile & { account: ServiceAccountRecord };
  addKey(email: string): ServiceAccountKeyFile;
  /** Returns the provider's full resource name. */
  addProvider(options: ProviderOptions): string;
  /** roles/run.admin on the project for `member`. */
  grantRunAdmin(project: string, member: string): void;
  /** roles/artifactregistry.writer on the project for `member`: may push to its repositories. */
  grantRegistryWriter(project: string, member: string): void;
  /** Leaves `service` (run.googleapis.com …) disabled in the project: its calls answer SERVICE_DISABLED. */
  disableService(project: string, service: string): void;
  /**
   * Turns on Artifact Registry's Docker token service and returns what a distribution registry needs
   * to require its tokens (see artifact-registry-token.ts).
   */
  enableArtifactRegistryAuth(): Promise<RegistryTokenAuth>;
  /** roles/iam.serviceAccountUser on `email` for `member`: it may deploy services that run as `email`. */
  allowActAs(email: string, member: string): void;
  /** An Artifact Registry repository (format DOCKER unless given). */
  addRepository(project: string, location: string, repository: string, format?: string): void;
  /** roles/iam.workloadIdentityUser (or serviceAccountTokenCreator) on `email` for `member`. */
  allowImpersonation(email: string, member: string): void;
  /** Makes an image pullable by Cloud Run. */
  addImage(image: string): void;
  /** How long deploy operations started from now on stay running. */
  setOperationDelay(ms: number): void;
  /** The same service URL as reached from inside the project's VPC network. */
  internalUrlOf(uri: string): string;
  close(): Promise<void>;
}

const REGISTRY_SERVICE = "artifactregistry.emulator";
const REGISTRY_ISSUER = "gcp-emulator artifact registry";

export async function startGcpEmulator(options: GcpEmulatorOptions): Promise<GcpEmulator> {
  const now = options.now ?? (() => new Date());
  const state = new GcpState();
  const googleKeys = await SigningKeys.create("accounts.google.com", 2);
  // The STS emulator fetches the GitHub issuer's JWKS over HTTPS signed by the stack's CA.
  trustCaInProcess(options.tls.caPem);
  let apiUrl = "";
  let externalUrl = "";
  let internalUrl = "";
  const tokenContext = { state, googleKeys, now };
  const registryContext: Parameters<typeof handleRegistryToken>[0] = { ...tokenContext, registry: undefined };
  const adminContext = {
    ...tokenContext,
    serviceBaseUrl: () => externalUrl,
    operationDelayMs: 50,
  };

  async function api(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const url = new URL(req.url ?? "/", apiUrl);
    const path = url.pathname;
    res.on("finish", () => {
      const cloudCall = /^\/(?:v2|iam|artifactregistry)\//.test(path);
      // testIamPermissions is a POST that only reads.
      const reads = req.method === "GET" || path.endsWith(":testIamPermissions");
      state.requests.push({
        method: req.method ?? "",
        path: `${path}${url.search}`,
        status: res.statusCode,
        mutating: cloudCall && !reads && res.statusCode < 400,
      });
    });
    const fault = state.faults.take(path);
    if (fault?.status !== undefined) {
      req.resume();
      return sendGoogleError(res, fault.status, "Injected fault.");
    }
    if (path === REGISTRY_TOKEN_PATH) return handleRegistryToken(registryContext, req, res, url);
    if (await handleTokenRoute(tokenContext, req, res, path)) return true;
    if (await handleRunAdmin(adminContext, req, res, url)) return true;
    if (await handleIamServiceAccounts(tokenContext, req, res, path)) return true;
    if (await handleArtifactRegistry(tokenContext, req, res, path)) return true;
    req.resume();
    return sendGoogleError(res, 404, `The requested URL ${path} was not found on this server.`);
  }

  const serve = (handler: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>) =>
    serveHttpsOnLoopback(options.tls, "gcp emulator", handler, (res) =>
      res.headersSent ? res.destroy() : sendGoogleError(res, 500, "Internal error."),
    );
  const listeners = [
    await serve(api),
    await serve((req, res) => handleServiceUrl(tokenContext, req, res, externalUrl, false)),
    await serve((req, res) => handleServiceUrl(tokenContext, req, res, internalUrl, true)),
  ];
  [apiUrl, externalUrl, internalUrl] = listeners.map((listener) => listener.url) as [string, string, string];

  let signer: RegistryTokenSigner | undefined;
  const projectOf = (id: string) => {
    const project = state.projects.get(id);
    if (!project) throw new Error(`no project ${id}`);
    return project;
  };
  const accountOf = (email: string) => {
    const account = state.serviceAccounts.get(email);
    if (!account) throw new Error(`no service account ${email}`);
    return account;
  };
  const addKey = (email: string): ServiceAccountKeyFile => {
    const account = accountOf(email);
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const privateKeyId = randomBytes(20).toString("hex");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    account.keys.set(privateKeyId, createPublicKey(createPrivateKey(pem)));
    const json = JSON.stringify(
      {
        type: "service_account",
        project_id: account.project,
        private_key_id: privateKeyId,
        private_key: pem,
        client_email: email,
        client_id: account.uniqueId,
        auth_uri: "https://accounts.google.com/o/oauth2/auth",
        token_uri: "https://oauth2.googleapis.com/token",
        universe_domain: "googleapis.com",
      },
      null,
      2,
    );
    return { email, json, privateKeyId };
  };

  return {
    url: apiUrl,
    state,
    addProject: (id) => state.addProject(id),
    addServiceAccount: (project, name) => {
      const email = `${name}@${project}.iam.gserviceaccount.com`;
      const account: ServiceAccountRecord = {
        email,
        project,
        uniqueId: String(100_000_000_000_000_000_000n + BigInt(state.serviceAccounts.size + 1)),
        keys: new Map(),
        impersonators: new Set(),
        actors: new Set(),
      };
      state.serviceAccounts.set(email, account);
      // Its first key is made when a test first reads it: RSA key generation is the slow part of a
      // fixture, and most accounts only sign in keylessly. Until then Google holds no key to verify with.
      let key: ServiceAccountKeyFile | undefined;
      const keyFile = () => {
        key ??= addKey(email);
        return key;
      };
      return {
        email,
        account,
        get json() {
          return keyFile().json;
        },
        get privateKeyId() {
          return keyFile().privateKeyId;
        },
      };
    },
    addKey,
    addProvider: (provider) => {
      const pool = `projects/${projectOf(provider.project).number}/locations/global/workloadIdentityPools/${provider.pool}`;
      const name = `${pool}/providers/${provider.provider}`;
      state.addProvider({
        name,
        pool,
        issuer: provider.issuer,
        allowedAudiences: provider.allowedAudiences ?? [`https://iam.googleapis.com/${name}`],
        ...(provider.attributeCondition ? { attributeCondition: provider.attributeCondition } : {}),
      });
      return name;
    },
    grantRunAdmin: (project, member) => void projectOf(project).runAdmins.add(member),
    allowImpersonation: (email, member) => void accountOf(email).impersonators.add(member),
    allowActAs: (email, member) => void accountOf(email).actors.add(member),
    addRepository: (project, location, repository, format = "DOCKER") => {
      projectOf(project);
      state.repositories.set(`projects/${project}/locations/${location}/repositories/${repository}`, {
        format,
        createTime: now().toISOString(),
      });
    },
    grantRegistryWriter: (project, member) => void projectOf(project).registryWriters.add(member),
    disableService: (project, service) => void projectOf(project).disabledServices.add(service),
    enableArtifactRegistryAuth: async () => {
      signer ??= await createRegistryTokenSigner();
      registryContext.registry = { signer, service: REGISTRY_SERVICE, issuer: REGISTRY_ISSUER };
      return {
        realm: `${apiUrl}${REGISTRY_TOKEN_PATH}`,
        service: REGISTRY_SERVICE,
        issuer: REGISTRY_ISSUER,
        rootCertPem: signer.certPem,
      };
    },
    addImage: (image) => void state.images.add(image),
    setOperationDelay: (ms) => {
      adminContext.operationDelayMs = ms;
    },
    internalUrlOf: (uri) => uri.replace(externalUrl, internalUrl),
    close: async () => {
      for (const { server } of listeners) await closeServer(server);
    },
  };
}
