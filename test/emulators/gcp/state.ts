// What the Google emulator knows: projects and who may administer Cloud Run in them, service accounts
// (their public keys and who may impersonate them), workload identity providers, the access tokens it
// issued, Cloud Run services with their IAM policies and operations, and every request it answered.
import { createHash, type KeyObject, randomBytes } from "node:crypto";
import { FaultQueue } from "../faults.ts";
import { checkCondition } from "./attribute-condition.ts";

export interface ProjectRecord {
  id: string;
  number: string;
  /** Members holding roles/run.admin on the project. */
  runAdmins: Set<string>;
  /** Members holding roles/artifactregistry.writer on the project (push and pull). */
  registryWriters: Set<string>;
  /** APIs not enabled in the project (run.googleapis.com …): their calls answer SERVICE_DISABLED. */
  disabledServices: Set<string>;
}

export interface ServiceAccountRecord {
  email: string;
  project: string;
  uniqueId: string;
  /** Public keys by private_key_id. */
  keys: Map<string, KeyObject>;
  /** Members holding roles/iam.workloadIdentityUser or roles/iam.serviceAccountTokenCreator on it. */
  impersonators: Set<string>;
  /** Members holding roles/iam.serviceAccountUser on it: they may act as it (deploy services running as it). */
  actors: Set<string>;
}

/** An Artifact Registry repository, by projects/P/locations/L/repositories/R. */
export interface RepositoryRecord {
  /** DOCKER, MAVEN, NPM … (Repository.Format). */
  format: string;
  createTime: string;
}

export interface ProviderRecord {
  /** projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider> */
  name: string;
  pool: string;
  issuer: string;
  allowedAudiences: string[];
  attributeCondition?: string;
}

export interface AccessTokenRecord {
  /** The caller as an IAM member: serviceAccount:EMAIL, or principal://... for a federated token. */
  principal: string;
  /** principalSet:// members a federated identity belongs to (by repository, owner). */
  memberships: string[];
  kind: "service-account" | "federated";
  expiresAt: number;
}

export interface ServiceRecord {
  project: string;
  region: string;
  id: string;
  /** The service as the API returns it (camelCase JSON, enum names). */
  body: Record<string, unknown>;
  revisions: number;
  /** Every revision made, oldest first (traffic.ts). */
  revisionList?: RevisionRecord[];
}

/** One revision: its short name, its image, and the template it was made from. */
export interface RevisionRecord {
  name: string;
  image: string;
  template: Record<string, unknown>;
}

/** What a revision's code answers a request with (the function built into its image). */
export type ServedCode = (request: {
  query: URLSearchParams;
  contentType: string | undefined;
  body: Buffer;
}) => {
  status: number;
  body: string;
};

export interface SecretRecord {
  /** Version numbers that exist (latest is the highest); aliases map to one of them. */
  versions: Set<string>;
  aliases: Map<string, string>;
  /** Members holding roles/secretmanager.secretAccessor on the secret. */
  accessors: Set<string>;
}

export interface PolicyRecord {
  version: number;
  bindings: { role: string; members: string[]; condition?: unknown }[];
  etag: string;
}

export interface OperationRecord {
  name: string;
  service: string;
  doneAt: number;
  /** A delete's operation: the service as it was deleted (the service itself is gone). */
  deleted?: Record<string, unknown>;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  /** Calls that change something: create/update service, setIamPolicy. */
  mutating: boolean;
}

export class GcpState {
  readonly projects = new Map<string, ProjectRecord>();
  readonly serviceAccounts = new Map<string, ServiceAccountRecord>();
  readonly providers = new Map<string, ProviderRecord>();
  readonly tokens = new Map<string, AccessTokenRecord>();
  readonly services = new Map<string, ServiceRecord>();
  readonly policies = new Map<string, PolicyRecord>();
  readonly operations = new Map<string, OperationRecord>();
  /** Artifact Registry repositories by full name. */
  readonly repositories = new Map<string, RepositoryRecord>();
  /** Images that exist in a registry Cloud Run can pull from. */
  readonly images = new Set<string>();
  /** The function each image runs, when it is not the seed's hello_http (which every other image runs). */
  readonly imageCode = new Map<string, ServedCode>();
  /** Asked for the function of an image not in `imageCode` (e.g. one built and pushed to a real registry). */
  codeResolver?: (image: string) => Promise<ServedCode | undefined>;
  /** Secret Manager secrets by projects/<project ID>/secrets/<id> (secret-manager.ts). */
  readonly secrets = new Map<string, SecretRecord>();
  /** Asked about images not in `images` (e.g. a real registry the test pushed to). */
  imageResolver?: (image: string) => Promise<boolean>;
  readonly regions = new Set(["asia-northeast1", "us-central1", "europe-west1", "us-east1"]);
  readonly requests: RequestLogEntry[] = [];
  /** Injected faults, aimed at request paths; answered as Google errors (server.ts). */
  readonly faults = new FaultQueue<string, RegExp>((path, pattern) => pattern?.test(path) ?? true);
  /** How long minting an ID token takes (a latency knob for the benchmarks); 0 answers at once. */
  idTokenDelayMs = 0;

  addProject(id: string): ProjectRecord {
    const number = String(
      100_000_000_000 + (createHash("sha256").update(id).digest().readUInt32BE(0) % 899_999_999_999),
    );
    const project = {
      id,
      number,
      runAdmins: new Set<string>(),
      registryWriters: new Set<string>(),
      disabledServices: new Set<string>(),
    };
    this.projects.set(id, project);
    return project;
  }

  addProvider(record: ProviderRecord): void {
    if (record.attributeCondition) checkCondition(record.attributeCondition);
    this.providers.set(record.name, record);
  }

  issueToken(record: Omit<AccessTokenRecord, "expiresAt">, lifetimeSeconds: number, now: number): string {
    const token = `ya29.${randomBytes(48).toString("base64url")}`;
    this.tokens.set(token, { ...record, expiresAt: now + lifetimeSeconds * 1000 });
    return token;
  }

  /** The caller behind a bearer access token, or undefined when it is unknown or expired. */
  caller(token: string | undefined, now: number): AccessTokenRecord | undefined {
    const record = token === undefined ? undefined : this.tokens.get(token);
    return record && record.expiresAt > now ? record : undefined;
  }

  mutatingCalls(): RequestLogEntry[] {
    return this.requests.filter((entry) => entry.mutating);
  }
}

export function newEtag(): string {
  return randomBytes(12).toString("base64");
}
