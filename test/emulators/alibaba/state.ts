// What the Alibaba emulator knows: one account with its AccessKeys, RAM roles (trust policy and
// what they may do), OIDC providers, the STS credentials it issued, FC functions, the container
// images FC can "pull", and OSS-like buckets.
import { randomBytes, randomUUID } from "node:crypto";
import { type AcrInstance, newAcrInstance } from "./acr-instances.ts";

export interface Principal {
  /** "user/<name>" or the role ARN of an assumed role. */
  name: string;
  /** Whether this identity may pass roles to FC (ram:PassRole). */
  canPassRole: boolean;
  /** Whether this identity may read RAM roles (ram:GetRole); unset means it may. */
  readsRam?: boolean;
  /** The session name of an assumed role's STS credentials. */
  sessionName?: string;
}

export interface AccessKey {
  id: string;
  secret: string;
  principal: Principal;
}

export interface RoleTrust {
  /** Services allowed to assume the role, such as fc.aliyuncs.com. */
  services: string[];
  /** RAM identities (Principal.RAM) allowed to AssumeRole it, by Principal name ("user/deployer"). */
  principals?: string[];
  /** An OIDC provider allowed to assume the role, with the subjects (oidc:sub) it accepts. */
  oidc?: { providerArn: string; subjects: string[] };
}

export interface Role {
  arn: string;
  name: string;
  trust: RoleTrust;
  /** ram:PassRole for identities that assume this role. */
  canPassRole: boolean;
  /**
   * The trust policy as RAM's GetRole returns it (AssumeRolePolicyDocument); unset, it is written from
   * `trust`. Seed one to model a document `trust` cannot say (a Deny, a condition).
   */
  trustDocument?: string;
}

export interface OidcProvider {
  arn: string;
  issuerUrl: string;
  clientIds: string[];
}

export interface StsCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  roleArn: string;
  sessionName: string;
  expiration: Date;
}

export interface StoredFunction {
  body: Record<string, unknown>;
  /** The zip as uploaded (code packages). */
  zip?: Buffer;
  activeAt: number;
  /** Until activeAt: a new function is Pending, an updated one Active with its update InProgress. */
  settling: "create" | "update";
}

export interface ContainerImage {
  /** The command the stand-in runs for this image: the image's CMD, as a local process. */
  command: string[];
  cwd?: string;
}

export class AlibabaState {
  readonly accountId: string;
  readonly region: string;
  readonly accessKeys = new Map<string, AccessKey>();
  readonly roles = new Map<string, Role>();
  readonly oidcProviders = new Map<string, OidcProvider>();
  readonly stsCredentials = new Map<string, StsCredential>();
  readonly functions = new Map<string, StoredFunction>();
  /** Each function's triggers, aliases and versions (by function name, then their own name or id). */
  readonly functionChildren = {
    triggers: new Map<string, Map<string, Record<string, unknown>>>(),
    aliases: new Map<string, Map<string, Record<string, unknown>>>(),
    versions: new Map<string, Map<string, Record<string, unknown>>>(),
  };
  /** `name`'s triggers, aliases or versions, an empty map made on first use. */
  childrenOf(
    kind: keyof AlibabaState["functionChildren"],
    name: string,
  ): Map<string, Record<string, unknown>> {
    const byFunction = this.functionChildren[kind];
    const children = byFunction.get(name) ?? new Map<string, Record<string, unknown>>();
    byFunction.set(name, children);
    return children;
  }
  /** Each published version's code and configuration, by "<function>\0<versionId>" (fc-versions.ts). */
  readonly versionSnapshots = new Map<string, Pick<StoredFunction, "body" | "zip">>();
  readonly images = new Map<string, ContainerImage>();
  /** Container Registry Enterprise Edition instances, by ID (cri-…). */
  readonly acrInstances = new Map<string, AcrInstance>();
  readonly buckets = new Map<string, { allowedRoles: string[]; objects: Map<string, Buffer> }>();
  readonly seenNonces = new Set<string>();
  /** Every OIDC token presented to AssumeRoleWithOIDC, so tests can scan logs for them. */
  readonly oidcTokensSeen: string[] = [];

  constructor(accountId: string, region: string) {
    this.accountId = accountId;
    this.region = region;
  }

  addAccessKey(options: { user?: string; canPassRole?: boolean; readsRam?: boolean } = {}): AccessKey {
    const key: AccessKey = {
      id: `LTAI5t${randomBytes(9).toString("base64url")}`,
      secret: randomBytes(22).toString("base64url"),
      principal: {
        name: `user/${options.user ?? "deployer"}`,
        canPassRole: options.canPassRole ?? true,
        readsRam: options.readsRam ?? true,
      },
    };
    this.accessKeys.set(key.id, key);
    return key;
  }

  addRole(
    name: string,
    trust: RoleTrust,
    options: { canPassRole?: boolean; trustDocument?: string } = {},
  ): Role {
    const arn = `acs:ram::${this.accountId}:role/${name.toLowerCase()}`;
    const role: Role = {
      arn,
      name,
      trust,
      canPassRole: options.canPassRole ?? true,
      ...(options.trustDocument === undefined ? {} : { trustDocument: options.trustDocument }),
    };
    this.roles.set(arn, role);
    return role;
  }

  addOidcProvider(name: string, issuerUrl: string, clientIds: string[]): OidcProvider {
    const provider = { arn: `acs:ram::${this.accountId}:oidc-provider/${name}`, issuerUrl, clientIds };
    this.oidcProviders.set(provider.arn, provider);
    return provider;
  }

  /** An Enterprise Edition instance in this account's region; its hosts are `<name>-registry[-vpc]…`. */
  addAcrInstance(name: string): AcrInstance {
    const instance = newAcrInstance(name, this.region);
    this.acrInstances.set(instance.id, instance);
    return instance;
  }

  addBucket(name: string, allowedRoles: string[]): void {
    this.buckets.set(name, { allowedRoles, objects: new Map() });
  }

  issueStsCredential(
    roleArn: string,
    sessionName: string,
    lifetimeSeconds: number,
    now: Date,
  ): StsCredential {
    const credential: StsCredential = {
      accessKeyId: `STS.${randomBytes(12).toString("base64url")}`,
      accessKeySecret: randomBytes(22).toString("base64url"),
      securityToken: `CAIS${randomBytes(96).toString("base64")}`,
      roleArn,
      sessionName,
      expiration: new Date(now.getTime() + lifetimeSeconds * 1000),
    };
    this.stsCredentials.set(credential.accessKeyId, credential);
    return credential;
  }

  requestId(): string {
    return randomUUID().toUpperCase();
  }
}
