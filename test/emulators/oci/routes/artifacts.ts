// Artifacts and Container Images API (https://artifacts.<region>.oci.oraclecloud.com/20160918):
// container repositories, listed and created. The list answers a
// ContainerRepositoryCollection (not a bare array) and pages with opc-next-page, so a
// "create the repository if missing" step must read every page to be right.
import type { ContainerRepositoryRecord } from "../artifacts-store.ts";
import { readBody, type Schema } from "../body-schema.ts";
import { queriedCompartment, visibleCompartment } from "../caller-scope.ts";
import { invalidParameter } from "../errors.ts";
import { creationKey, listPage, readSortOrder, sortItems } from "../pagination.ts";
import { pageResponse, type RouteContext, type RouteResponse, routeTable, withEtag } from "../router.ts";

const README_FORMATS = ["TEXT_MARKDOWN", "TEXT_PLAIN"];
const CREATE_CONTAINER_REPOSITORY_DETAILS = {
  compartmentId: { type: "string", required: true },
  displayName: { type: "string", required: true },
  isPublic: { type: "boolean" },
  isImmutable: { type: "boolean" },
  readme: { type: "object" },
  freeformTags: { type: "stringMap" },
  definedTags: { type: "object" },
} satisfies Schema;
export const REPOSITORY_PAGE_LIMITS = { defaultLimit: 100, maxLimit: 1000 };

export function repositorySummaryModel(repository: ContainerRepositoryRecord): Record<string, unknown> {
  return {
    compartmentId: repository.compartmentId,
    displayName: repository.displayName,
    id: repository.id,
    imageCount: 0,
    isPublic: repository.isPublic,
    layerCount: 0,
    layersSizeInBytes: 0,
    lifecycleState: "AVAILABLE",
    timeCreated: repository.timeCreated,
    billableSizeInGBs: 0,
    namespace: repository.namespace,
    freeformTags: { ...repository.freeformTags },
    definedTags: { ...repository.definedTags },
    systemTags: {},
  };
}

export function repositoryModel(repository: ContainerRepositoryRecord): Record<string, unknown> {
  return {
    ...repositorySummaryModel(repository),
    createdBy: repository.createdBy,
    isImmutable: repository.isImmutable,
    readme: repository.readme ? { ...repository.readme } : null,
    timeLastPushed: null,
  };
}

function listRepositories(context: RouteContext): RouteResponse {
  const { query } = context;
  const { compartmentId, tenancy } = queriedCompartment(context);
  const inSubtree = query.get("compartmentIdInSubtree") === "true";
  if (inSubtree && compartmentId !== tenancy.id) {
    throw invalidParameter("compartmentIdInSubtree can only be true for the tenancy (root compartment).");
  }
  const isPublic = query.get("isPublic");
  const matching = [...context.state.artifacts.repositories.values()].filter(
    (repository) =>
      repository.tenancyId === tenancy.id &&
      (inSubtree || repository.compartmentId === compartmentId) &&
      (query.get("displayName") === null || repository.displayName === query.get("displayName")) &&
      (query.get("repositoryId") === null || repository.id === query.get("repositoryId")) &&
      (isPublic === null || String(repository.isPublic) === isPublic) &&
      (query.get("lifecycleState") === null || query.get("lifecycleState") === "AVAILABLE"),
  );
  const sortBy = query.get("sortBy") ?? "TIMECREATED";
  if (sortBy !== "TIMECREATED" && sortBy !== "DISPLAYNAME") {
    throw invalidParameter("sortBy must be TIMECREATED or DISPLAYNAME.");
  }
  const sorted =
    sortBy === "TIMECREATED"
      ? sortItems(matching, creationKey, readSortOrder(query, "DESC"))
      : sortItems(matching, (repo) => repo.displayName, readSortOrder(query, "ASC"));
  const filters = [...query.entries()].filter(([name]) => name !== "page" && name !== "limit").sort();
  const page = listPage(
    query,
    ["ListContainerRepositories", ...filters],
    REPOSITORY_PAGE_LIMITS,
    () => sorted,
  );
  const items = page.items.map(repositorySummaryModel);
  const collection = { layerCount: 0, layersSizeInBytes: 0, imageCount: 0, items };
  return pageResponse(
    { ...collection, remainingItemsCount: page.remaining, repositoryCount: sorted.length },
    page.nextPage,
  );
}

function createRepository(context: RouteContext): RouteResponse {
  const {
    compartmentId = "",
    displayName = "",
    readme,
    ...body
  } = readBody(context.body, "CreateContainerRepositoryDetails", CREATE_CONTAINER_REPOSITORY_DETAILS);
  if (readme) {
    for (const name of ["content", "format"]) {
      const value = readme[name];
      if (value != null && typeof value !== "string") throw invalidParameter(`${name} must be a string.`);
    }
    if (typeof readme.content !== "string" || !README_FORMATS.includes(String(readme.format))) {
      throw invalidParameter(`readme needs content and a format of ${README_FORMATS.join(" or ")}.`);
    }
  }
  visibleCompartment(context, compartmentId);
  const retryToken = context.headers["opc-retry-token"];
  const repository = context.state.artifacts.createContainerRepository({
    ...body,
    compartmentId,
    displayName,
    readme: readme as { content: string; format: string } | undefined,
    createdBy: context.caller?.principalId,
    retryToken: Array.isArray(retryToken) ? retryToken[0] : retryToken,
  });
  return withEtag(repositoryModel(repository));
}

export const artifactsRoutes = routeTable([
  ["GET", "/20160918/container/repositories", "ListContainerRepositories", listRepositories],
  ["POST", "/20160918/container/repositories", "CreateContainerRepository", createRepository],
]);
