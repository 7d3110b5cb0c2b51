// Container Registry repositories (Artifacts API). Names are unique per tenancy namespace, not
// per compartment ("The name you give the repository must be unique across all compartments in the
// entire tenancy", https://docs.oracle.com/iaas/releasenotes/changes/a607826b-2b68-4a16-9b87-bd4bf8a66a36/;
// fn deploy and create-on-first-push put theirs in the root compartment,
// https://docs.oracle.com/iaas/Content/Registry/Tasks/registrycreatingarepository.htm): creating
// a name that exists in any compartment is the 409 OCI answers a create of an existing resource with
// (NotAuthorizedOrResourceAlreadyExists, errors.ts). Names follow OCIR's lower-case rules; a repeated
// opc-retry-token returns the repository the first request created instead of a 409, as OCI's
// idempotent creates do.
import { alreadyExists, invalidParameter, notAuthorizedOrNotFound } from "./errors.ts";
import { newOcid } from "./ocid.ts";

export interface ContainerRepositoryRecord {
  id: string;
  tenancyId: string;
  compartmentId: string;
  namespace: string;
  displayName: string;
  isPublic: boolean;
  isImmutable: boolean;
  readme: { content: string; format: string } | undefined;
  createdBy: string;
  freeformTags: Record<string, string>;
  definedTags: Record<string, unknown>;
  timeCreated: string;
  /** Creation order, to sort by time deterministically when timestamps tie. */
  sequence: number;
}

export interface NewContainerRepository {
  compartmentId: string;
  displayName: string;
  isPublic?: boolean | undefined;
  isImmutable?: boolean | undefined;
  readme?: { content: string; format: string } | undefined;
  /** Principal OCID; the seeding helpers use a placeholder user. */
  createdBy?: string | undefined;
  freeformTags?: Record<string, string> | undefined;
  definedTags?: Record<string, unknown> | undefined;
  retryToken?: string | undefined;
}

export interface ArtifactsStoreOptions {
  now: () => Date;
  /** Tenancy and namespace owning a compartment OCID, undefined when unknown. */
  tenancyOf: (compartmentId: string) => { id: string; namespace: string } | undefined;
}

// OCIR repository names: lower-case components separated by / with . _ - inside, 255 at most.
const REPOSITORY_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

export class ArtifactsStore {
  readonly repositories = new Map<string, ContainerRepositoryRecord>();
  readonly #retryTokens = new Map<string, string>();
  readonly #options: ArtifactsStoreOptions;
  #counter = 0;

  constructor(options: ArtifactsStoreOptions) {
    this.#options = options;
  }

  createContainerRepository(input: NewContainerRepository): ContainerRepositoryRecord {
    const tenancy = this.#options.tenancyOf(input.compartmentId);
    if (!tenancy) throw notAuthorizedOrNotFound();
    const tokenKey = input.retryToken ? `${tenancy.id}/${input.retryToken}` : undefined;
    const replayed = tokenKey ? this.repositories.get(this.#retryTokens.get(tokenKey) ?? "") : undefined;
    if (replayed) return replayed;
    if (input.displayName.length > 255 || !REPOSITORY_NAME.test(input.displayName)) {
      throw invalidParameter(
        `displayName ${JSON.stringify(input.displayName)} is not a valid repository name: use lower-case letters, digits, and . _ - / between them.`,
      );
    }
    for (const existing of this.repositories.values()) {
      if (existing.tenancyId === tenancy.id && existing.displayName === input.displayName) {
        throw alreadyExists(
          `A repository named ${input.displayName} already exists in namespace ${tenancy.namespace}.`,
        );
      }
    }
    this.#counter += 1;
    const repository: ContainerRepositoryRecord = {
      id: newOcid("containerrepo"),
      tenancyId: tenancy.id,
      compartmentId: input.compartmentId,
      namespace: tenancy.namespace,
      displayName: input.displayName,
      isPublic: input.isPublic ?? false,
      isImmutable: input.isImmutable ?? false,
      readme: input.readme,
      createdBy: input.createdBy ?? newOcid("user"),
      freeformTags: { ...input.freeformTags },
      definedTags: { ...input.definedTags },
      timeCreated: this.#options.now().toISOString(),
      sequence: this.#counter,
    };
    this.repositories.set(repository.id, repository);
    if (tokenKey) this.#retryTokens.set(tokenKey, repository.id);
    return repository;
  }

  /** Creates `count` repositories named `<prefix>-<n>` (zero-padded), for pagination tests. */
  seedContainerRepositories(options: {
    compartmentId: string;
    count: number;
    prefix?: string;
  }): ContainerRepositoryRecord[] {
    const prefix = options.prefix ?? "seeded";
    const width = String(options.count).length;
    return Array.from({ length: options.count }, (_, index) =>
      this.createContainerRepository({
        compartmentId: options.compartmentId,
        displayName: `${prefix}-${String(index + 1).padStart(width, "0")}`,
      }),
    );
  }
}
