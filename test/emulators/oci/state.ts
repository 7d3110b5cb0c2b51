// In-memory state of the emulated tenancies. Tests seed it in process (createTenancy, createUser, and
// each service's store: fn, artifacts, apigw, iam) and read it back to assert on effects. Only public
// material is kept: private keys never reach the emulator.
import type { KeyObject } from "node:crypto";
import { parseApiPublicKey } from "./api-key.ts";
import { ApiGatewayStore, type ApiGatewayTimings } from "./apigateway-store.ts";
import { ArtifactsStore } from "./artifacts-store.ts";
import { FunctionsStore } from "./functions-store.ts";
import { IdentityStore } from "./identity-store.ts";
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
  /** What tag defaults record as CreatedBy. */
  name: string;
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

  /** The tenancy a compartment OCID belongs to: the tenancy itself (root) or any ACTIVE compartment below it. */
  tenancyOfCompartment(compartmentId: string): Tenancy | undefined {
    const tenancyId = this.iam.tenancyIdOf(compartmentId);
    return tenancyId === undefined ? undefined : this.tenancies.get(tenancyId);
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

  createUser(options: { tenancyId: string; publicKeyPem: string; name?: string }): CreatedUser {
    if (!this.tenancies.has(options.tenancyId)) throw new Error(`unknown tenancy ${options.tenancyId}`);
    // Parse before creating anything so a bad key leaves no half-made user behind.
    const parsed = parseApiPublicKey(options.publicKeyPem);
    this.#counter += 1;
    const user: User = {
      id: newOcid("user"),
      tenancyId: options.tenancyId,
      name: options.name ?? `user-${this.#counter}`,
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

  #timestamp(): string {
    return this.#now().toISOString();
  }
}
