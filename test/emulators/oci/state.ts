// In-memory state of the emulated tenancies. Tests seed it in process (createTenancy, createUser)
// and read it back to assert on effects; the admin routes expose the same operations to
// out-of-process users. Only public material is kept: private keys never reach the emulator.
import type { KeyObject } from "node:crypto";
import { parseApiPublicKey } from "./api-key.ts";
import type { GatewayRecord } from "./apigateway-records.ts";
import { ApiGatewayStore, type ApiGatewayTimings } from "./apigateway-store.ts";
import {
  ArtifactsStore,
  type ContainerRepositoryRecord,
  type NewContainerRepository,
} from "./artifacts-store.ts";
import {
  type ApplicationRecord,
  type FunctionRecord,
  FunctionsStore,
  type NewApplication,
  type NewFunction,
} from "./functions-store.ts";
import {
  type CompartmentRecord,
  type DynamicGroupRecord,
  IdentityStore,
  type PolicyRecord,
} from "./identity-store.ts";
import { newNamespace, newOcid } from "./ocid.ts";
import { TagDefaults } from "./tag-defaults.ts";

export interface Tenancy {
  id: string;
  name: string;
  /** Object Storage namespace, what getNamespace returns and OCIR uses in image paths. */
  namespace: string;
  timeCreated: string;
}

export interface ApiKey {
  fingerprint: string;
  keyValue: string;
  publicKey: KeyObject;
  timeCreated: string;
}

export interface User {
  id: string;
  tenancyId: string;
  name: string;
  description: string;
  email: string;
  timeCreated: string;
  apiKeys: ApiKey[];
}

/** A user as createUser returns it: the fingerprint of the key it was created with. */
export interface CreatedUser extends User {
  fingerprint: string;
}

// OCI allows at most three API signing keys per user.
const MAX_API_KEYS_PER_USER = 3;

export interface OciStateOptions {
  /** How long a created or updated function stays CREATING/UPDATING (emulator clock). */
  functionActiveDelayMs?: number;
  /** API Gateway work request and propagation delays (see ApiGatewayStore). */
  apiGateway?: Partial<ApiGatewayTimings>;
}

export const DEFAULT_FUNCTION_ACTIVE_DELAY_MS = 50;

export class OciState {
  readonly tenancies = new Map<string, Tenancy>();
  readonly users = new Map<string, User>();
  /** Functions applications and functions. */
  readonly fn: FunctionsStore;
  /** Container repositories. */
  readonly artifacts: ArtifactsStore;
  /** API Gateway gateways, deployments and work requests. */
  readonly apigw: ApiGatewayStore;
  /** IAM compartments (below each tenancy) and policies. */
  readonly iam: IdentityStore;
  /** Defined tags OCI adds to what a tenancy creates (Oracle-Tags unless a test sets others). */
  readonly tagDefaults = new TagDefaults();
  readonly #now: () => Date;
  #counter = 0;

  constructor(now: () => Date = () => new Date(), options: OciStateOptions = {}) {
    this.#now = now;
    this.iam = new IdentityStore({ now, tenancyName: (id) => this.tenancies.get(id)?.name });
    this.fn = new FunctionsStore({
      now,
      tenancyOf: (compartmentId) => this.tenancyOfCompartment(compartmentId)?.id,
      functionActiveDelayMs: options.functionActiveDelayMs ?? DEFAULT_FUNCTION_ACTIVE_DELAY_MS,
    });
    this.artifacts = new ArtifactsStore({
      now,
      tenancyOf: (compartmentId) => this.tenancyOfCompartment(compartmentId),
    });
    this.apigw = new ApiGatewayStore({
      now,
      tenancyOf: (compartmentId) => this.tenancyOfCompartment(compartmentId)?.id,
      ...(options.apiGateway ? { timings: options.apiGateway } : {}),
    });
  }

  /** Seeds an ACTIVE API gateway with an OCI-shaped hostname. */
  createGateway(input: { compartmentId: string; displayName?: string }): GatewayRecord {
    return this.apigw.createGateway(input);
  }

  /** The tenancy a compartment OCID belongs to: the tenancy itself (root) or any ACTIVE compartment below it. */
  tenancyOfCompartment(compartmentId: string): Tenancy | undefined {
    const tenancyId = this.iam.tenancyIdOf(compartmentId);
    return tenancyId === undefined ? undefined : this.tenancies.get(tenancyId);
  }

  /** Seeds an ACTIVE compartment below a tenancy or another compartment. */
  createCompartment(input: { parentId: string; name: string; description?: string }): CompartmentRecord {
    return this.iam.createCompartment(input);
  }

  /** Seeds an IAM policy attached to a compartment (or the tenancy), statements as written. */
  createPolicy(input: {
    compartmentId: string;
    name: string;
    statements: string[];
    description?: string;
  }): PolicyRecord {
    return this.iam.createPolicy(input);
  }

  /** Seeds a dynamic group of the tenancy with its matching rule, as written. */
  createDynamicGroup(input: { tenancyId: string; name: string; matchingRule: string }): DynamicGroupRecord {
    return this.iam.createDynamicGroup(input);
  }

  /** Seeds an ACTIVE Functions application, as if created through the API. */
  createApplication(input: NewApplication): ApplicationRecord {
    return this.fn.createApplication(input);
  }

  /** Seeds a function (CREATING until the active delay passes); imageDigest is kept as given. */
  createFunction(input: NewFunction): FunctionRecord {
    return this.fn.createFunction(input);
  }

  /** Which function directory runs for images of `repository` (see FunctionsStore). */
  registerFunctionCode(repository: string, dir: string): void {
    this.fn.registerFunctionCode(repository, dir);
  }

  createContainerRepository(input: NewContainerRepository): ContainerRepositoryRecord {
    return this.artifacts.createContainerRepository(input);
  }

  /** Creates `count` repositories `<prefix>-<n>` in one compartment (pagination tests). */
  seedContainerRepositories(options: {
    compartmentId: string;
    count: number;
    prefix?: string;
  }): ContainerRepositoryRecord[] {
    return this.artifacts.seedContainerRepositories(options);
  }

  createTenancy(options: { name?: string } = {}): Tenancy {
    this.#counter += 1;
    const tenancy: Tenancy = {
      id: newOcid("tenancy"),
      name: options.name ?? `fngate-test-${this.#counter}`,
      namespace: newNamespace(),
      timeCreated: this.#timestamp(),
    };
    this.tenancies.set(tenancy.id, tenancy);
    return tenancy;
  }

  createUser(options: {
    tenancyId: string;
    publicKeyPem: string;
    name?: string;
    description?: string;
    email?: string;
  }): CreatedUser {
    if (!this.tenancies.has(options.tenancyId)) throw new Error(`unknown tenancy ${options.tenancyId}`);
    // Parse before creating anything so a bad key leaves no half-made user behind.
    const parsed = parseApiPublicKey(options.publicKeyPem);
    this.#counter += 1;
    const name = options.name ?? `user-${this.#counter}`;
    const user: User = {
      id: newOcid("user"),
      tenancyId: options.tenancyId,
      name,
      description: options.description ?? name,
      email: options.email ?? `${name}@example.com`,
      timeCreated: this.#timestamp(),
      apiKeys: [],
    };
    this.users.set(user.id, user);
    const fingerprint = this.addApiKey(user.id, parsed.pem);
    return { ...user, fingerprint };
  }

  /** Uploads another API signing key for the user and returns its fingerprint. */
  addApiKey(userId: string, publicKeyPem: string): string {
    const user = this.users.get(userId);
    if (!user) throw new Error(`unknown user ${userId}`);
    const parsed = parseApiPublicKey(publicKeyPem);
    if (user.apiKeys.some((key) => key.fingerprint === parsed.fingerprint)) {
      throw new Error(`user ${userId} already has the key ${parsed.fingerprint}`);
    }
    if (user.apiKeys.length >= MAX_API_KEYS_PER_USER) {
      throw new Error(`user ${userId} already has ${MAX_API_KEYS_PER_USER} API keys (the OCI limit)`);
    }
    user.apiKeys.push({
      fingerprint: parsed.fingerprint,
      keyValue: parsed.pem,
      publicKey: parsed.publicKey,
      timeCreated: this.#timestamp(),
    });
    return parsed.fingerprint;
  }

  removeApiKey(userId: string, fingerprint: string): boolean {
    const user = this.users.get(userId);
    if (!user) return false;
    const index = user.apiKeys.findIndex((key) => key.fingerprint === fingerprint);
    if (index < 0) return false;
    // In place: copies handed out by createUser share this array.
    user.apiKeys.splice(index, 1);
    return true;
  }

  /** The key named by a signature keyId, only when user and tenancy match as well. */
  findApiKey(tenancyId: string, userId: string, fingerprint: string): ApiKey | undefined {
    const user = this.users.get(userId);
    if (!user || user.tenancyId !== tenancyId) return undefined;
    return user.apiKeys.find((key) => key.fingerprint === fingerprint);
  }

  /** JSON-safe copy of the state for the admin route and for debugging. */
  snapshot(): {
    tenancies: Tenancy[];
    users: Array<Omit<User, "apiKeys"> & { apiKeys: SnapshotKey[] }>;
    applications: ApplicationRecord[];
    functions: FunctionRecord[];
    containerRepositories: ContainerRepositoryRecord[];
  } {
    return {
      applications: [...this.fn.applications.values()].map((application) => structuredClone(application)),
      functions: [...this.fn.functions.values()].map((fn) => structuredClone(this.fn.settle(fn))),
      containerRepositories: [...this.artifacts.repositories.values()].map((repo) => structuredClone(repo)),
      tenancies: [...this.tenancies.values()].map((tenancy) => ({ ...tenancy })),
      // Public keys as uploaded (keyValue), not as KeyObjects.
      users: [...this.users.values()].map((user) => ({
        ...user,
        apiKeys: user.apiKeys.map(({ publicKey: _publicKey, ...key }) => key),
      })),
    };
  }

  #timestamp(): string {
    return this.#now().toISOString();
  }
}

type SnapshotKey = Omit<ApiKey, "publicKey">;
