// The emulated directory: tenants and their app registrations, seeded by tests. Each app gets a
// service principal (its `oid`/`sub` in app-only tokens). Registrations are checked up front so a
// mistyped fixture fails where it is written, not as a puzzling AADSTS error later.
import { type KeyObject, randomUUID } from "node:crypto";
import { certThumbprints } from "./self-signed-cert.ts";

export interface AppRoleInput {
  value: string;
  /** Entra gives every app role a GUID; a random one when left out. */
  id?: string;
}

export interface ApiAppInput {
  appId?: string;
  displayName?: string;
  /** Application ID URIs, e.g. ["api://my-oci-api"]. */
  identifierUris?: string[];
  /** api.requestedAccessTokenVersion in the manifest; null and 1 both mean v1 tokens. */
  accessTokenAcceptedVersion?: 1 | 2 | null;
  appRoles?: AppRoleInput[];
}

export interface ClientSecretInput {
  value: string;
  /** Default: one year from registration. */
  expiresAt?: Date;
}

export interface FederatedCredentialInput {
  issuer: string;
  subject: string;
  /** Default ["api://AzureADTokenExchange"], as the portal sets it. */
  audiences?: string[];
}

export interface RoleAssignmentInput {
  /** The API app's appId (client id). */
  resourceAppId: string;
  /** The app role's value, e.g. "Invoke". */
  role: string;
}

export interface ClientAppInput {
  appId?: string;
  displayName?: string;
  secrets?: ClientSecretInput[];
  /** Public certificates (PEM) uploaded to the app. */
  certificates?: { pem: string }[];
  federatedCredentials?: FederatedCredentialInput[];
  roleAssignments?: RoleAssignmentInput[];
}

export interface RegisteredCertificate {
  pem: string;
  x5t: string;
  x5tS256: string;
  publicKey: KeyObject;
}

export interface Application {
  tenantId: string;
  appId: string;
  displayName: string;
  /** Object id of the app's service principal in its tenant. */
  servicePrincipalId: string;
  identifierUris: string[];
  accessTokenAcceptedVersion: 1 | 2;
  appRoles: { value: string; id: string }[];
  secrets: { value: string; expiresAt: Date }[];
  certificates: RegisteredCertificate[];
  federatedCredentials: { issuer: string; subject: string; audiences: string[] }[];
  roleAssignments: RoleAssignmentInput[];
}

export interface Tenant {
  id: string;
  apps: Map<string, Application>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const YEAR_MS = 365 * 24 * 3600 * 1000;

export class Directory {
  readonly #tenants = new Map<string, Tenant>();
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  addTenant(id: string = randomUUID()): Tenant {
    if (!GUID.test(id)) throw new Error(`tenant id must be a lowercase GUID: ${id}`);
    if (this.#tenants.has(id)) throw new Error(`tenant ${id} exists`);
    const tenant = { id, apps: new Map<string, Application>() };
    this.#tenants.set(id, tenant);
    return tenant;
  }

  tenant(id: string): Tenant | undefined {
    return this.#tenants.get(id.toLowerCase());
  }

  addApiApp(tenantId: string, input: ApiAppInput): Application {
    return this.#add(tenantId, {
      ...this.#base(tenantId, input.appId, input.displayName ?? "api"),
      identifierUris: input.identifierUris ?? [],
      accessTokenAcceptedVersion: input.accessTokenAcceptedVersion === 2 ? 2 : 1,
      appRoles: (input.appRoles ?? []).map((role) => ({ value: role.value, id: role.id ?? randomUUID() })),
    });
  }

  addClientApp(tenantId: string, input: ClientAppInput): Application {
    const tenant = this.#tenantOrThrow(tenantId);
    for (const assignment of input.roleAssignments ?? []) {
      const resource = tenant.apps.get(assignment.resourceAppId);
      if (!resource)
        throw new Error(`role assignment: no app ${assignment.resourceAppId} in tenant ${tenantId}`);
      if (!resource.appRoles.some((role) => role.value === assignment.role))
        throw new Error(`role assignment: app ${resource.appId} has no app role ${assignment.role}`);
    }
    const defaultExpiry = new Date(this.#now().getTime() + YEAR_MS);
    return this.#add(tenantId, {
      ...this.#base(tenantId, input.appId, input.displayName ?? "client"),
      secrets: (input.secrets ?? []).map((secret) => ({
        value: secret.value,
        expiresAt: secret.expiresAt ?? defaultExpiry,
      })),
      certificates: (input.certificates ?? []).map(({ pem }) => {
        const { x509, x5t, x5tS256 } = certThumbprints(pem);
        return { pem, x5t, x5tS256, publicKey: x509.publicKey };
      }),
      federatedCredentials: (input.federatedCredentials ?? []).map((credential) => ({
        issuer: credential.issuer,
        subject: credential.subject,
        audiences: credential.audiences ?? ["api://AzureADTokenExchange"],
      })),
      roleAssignments: [...(input.roleAssignments ?? [])],
    });
  }

  /** The resource app a scope's resource part names: an Application ID URI or an appId. */
  findResource(tenant: Tenant, resource: string): Application | undefined {
    for (const app of tenant.apps.values()) {
      if (app.appId === resource || app.identifierUris.includes(resource)) return app;
    }
    return undefined;
  }

  #base(tenantId: string, appId: string | undefined, displayName: string): Application {
    const id = appId ?? randomUUID();
    if (!GUID.test(id)) throw new Error(`appId must be a lowercase GUID: ${id}`);
    return {
      tenantId,
      appId: id,
      displayName,
      servicePrincipalId: randomUUID(),
      identifierUris: [],
      accessTokenAcceptedVersion: 1,
      appRoles: [],
      secrets: [],
      certificates: [],
      federatedCredentials: [],
      roleAssignments: [],
    };
  }

  #add(tenantId: string, app: Application): Application {
    const tenant = this.#tenantOrThrow(tenantId);
    if (tenant.apps.has(app.appId)) throw new Error(`app ${app.appId} exists in tenant ${tenantId}`);
    for (const uri of app.identifierUris) {
      for (const other of tenant.apps.values()) {
        // Entra refuses a second app with the same Application ID URI in a tenant.
        if (other.identifierUris.includes(uri)) throw new Error(`identifier URI ${uri} is already in use`);
      }
    }
    tenant.apps.set(app.appId, app);
    return app;
  }

  #tenantOrThrow(tenantId: string): Tenant {
    const tenant = this.tenant(tenantId);
    if (!tenant) throw new Error(`no tenant ${tenantId}`);
    return tenant;
  }
}
