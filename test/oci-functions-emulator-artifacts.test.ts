// Container repositories through the real oci-artifacts client: the list is a paginated
// ContainerRepositoryCollection, so "create the repository if it is missing" is only right when
// it reads every page (or filters by the exact name); names are unique per tenancy namespace.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type models, requests } from "oci-artifacts";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { newOcid } from "./emulators/oci/ocid.ts";
import { type ApiKeyIdentity, functionsClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import type { Tenancy } from "./emulators/oci/state.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

describe("OCI emulator: Artifacts container repositories", () => {
  let stack: EmulatorStack;
  let tenancy: Tenancy;
  let me: ApiKeyIdentity;
  const artifacts = () => functionsClients(stack.endpoints.oci, me).artifacts;

  before(async () => {
    stack = await startEmulatorStack();
    trustCaInProcess(stack.caPem);
    ({ tenancy, me } = seedApiKeyCaller(stack.oci.state, "acme"));
    stack.oci.state.seedContainerRepositories({ compartmentId: tenancy.id, count: 120, prefix: "seeded" });
  });

  after(async () => {
    await stack.close();
  });

  /** Every repository name, page by page, as a correct create-if-missing step reads them. */
  async function allNames(limit: number): Promise<{ names: string[]; pages: number; counts: number[] }> {
    const names: string[] = [];
    const counts: number[] = [];
    let page: string | undefined;
    let pages = 0;
    do {
      const response = await artifacts().listContainerRepositories({
        compartmentId: tenancy.id,
        limit,
        sortBy: requests.ListContainerRepositoriesRequest.SortBy.Displayname,
        sortOrder: requests.ListContainerRepositoriesRequest.SortOrder.Asc,
        ...(page ? { page } : {}),
      });
      const collection = response.containerRepositoryCollection;
      names.push(...collection.items.map((item) => item.displayName));
      counts.push(collection.repositoryCount, collection.remainingItemsCount);
      page = response.opcNextPage;
      pages += 1;
    } while (page && pages < 20);
    return { names, pages, counts };
  }

  test("more than one page: a name on a later page is found only by reading on", async () => {
    const { names, pages, counts } = await allNames(50);
    assert.equal(pages, 3);
    assert.equal(names.length, 120);
    assert.deepEqual(
      counts.slice(0, 2),
      [120, 70],
      "repositoryCount is the total, remainingItemsCount what is left",
    );
    assert.equal(names.indexOf("seeded-117"), 116, "seeded-117 sits on the third page");

    const firstPage = await artifacts().listContainerRepositories({ compartmentId: tenancy.id, limit: 50 });
    assert.ok(firstPage.opcNextPage, "the first page says there is more");
    assert.equal(firstPage.containerRepositoryCollection.items.length, 50);

    // The exact filter finds it on one page, and "seeded-11" does not match seeded-110..119.
    const exact = await artifacts().listContainerRepositories({
      compartmentId: tenancy.id,
      displayName: "seeded-117",
    });
    assert.deepEqual(
      exact.containerRepositoryCollection.items.map((item) => item.displayName),
      ["seeded-117"],
    );
    const prefix = await artifacts().listContainerRepositories({
      compartmentId: tenancy.id,
      displayName: "seeded-11",
    });
    assert.deepEqual(
      prefix.containerRepositoryCollection.items.map((item) => item.displayName),
      [],
    );
  });

  test("default order is newest first, with 100 to a page", async () => {
    const response = await artifacts().listContainerRepositories({ compartmentId: tenancy.id });
    const items = response.containerRepositoryCollection.items;
    assert.equal(items.length, 100);
    assert.ok(response.opcNextPage);
    const times = items.map((item) => String(item.timeCreated));
    assert.deepEqual(times, [...times].sort().reverse());
  });

  test("create is private and mutable by default; the same name again is 409, a retry token replays", async () => {
    const details = { compartmentId: tenancy.id, displayName: "fngate/hello" };
    const created = await artifacts().createContainerRepository({
      createContainerRepositoryDetails: details,
    });
    const repository = created.containerRepository;
    assert.equal(repository.isPublic, false);
    assert.equal(repository.isImmutable, false);
    assert.equal(repository.namespace, tenancy.namespace);
    assert.equal(repository.lifecycleState, "AVAILABLE");
    assert.equal(repository.createdBy, me.userId);
    assert.ok(created.etag);
    await rejectsWith(
      artifacts().createContainerRepository({ createContainerRepositoryDetails: details }),
      409,
      "NotAuthorizedOrResourceAlreadyExists",
      /fngate\/hello/,
    );
    const read = await artifacts().getContainerRepository({ repositoryId: repository.id });
    assert.equal(read.containerRepository.displayName, "fngate/hello");

    const token = `retry-${Date.now()}`;
    const retryDetails = { compartmentId: tenancy.id, displayName: "fngate/retried" };
    const once = await artifacts().createContainerRepository({
      createContainerRepositoryDetails: retryDetails,
      opcRetryToken: token,
    });
    const twice = await artifacts().createContainerRepository({
      createContainerRepositoryDetails: retryDetails,
      opcRetryToken: token,
    });
    assert.equal(twice.containerRepository.id, once.containerRepository.id);
  });

  test("a name taken in the root compartment is 409 in a child one; only the tenancy's subtree list finds it", async () => {
    const child = stack.oci.state.createCompartment({ parentId: tenancy.id, name: "functions" });
    const grandchild = stack.oci.state.createCompartment({ parentId: child.id, name: "team" });
    const root = stack.oci.state.createContainerRepository({
      compartmentId: tenancy.id,
      displayName: "fn/app",
    });
    await rejectsWith(
      artifacts().createContainerRepository({
        createContainerRepositoryDetails: { compartmentId: grandchild.id, displayName: "fn/app" },
      }),
      409,
      "NotAuthorizedOrResourceAlreadyExists",
    );
    const inChild = await artifacts().listContainerRepositories({
      compartmentId: grandchild.id,
      displayName: "fn/app",
    });
    assert.deepEqual(inChild.containerRepositoryCollection.items, []);
    const inTenancy = await artifacts().listContainerRepositories({
      compartmentId: tenancy.id,
      compartmentIdInSubtree: true,
      displayName: "fn/app",
    });
    assert.deepEqual(
      inTenancy.containerRepositoryCollection.items.map((item) => [item.id, item.compartmentId]),
      [[root.id, tenancy.id]],
    );
    await rejectsWith(
      artifacts().listContainerRepositories({ compartmentId: child.id, compartmentIdInSubtree: true }),
      400,
      "InvalidParameter",
      /only be true for the tenancy/,
    );
    const theirs = stack.oci.state.createContainerRepository({
      compartmentId: grandchild.id,
      displayName: "fn/in-child",
    });
    const found = await artifacts().listContainerRepositories({
      compartmentId: tenancy.id,
      compartmentIdInSubtree: true,
      displayName: "fn/in-child",
    });
    assert.equal(found.containerRepositoryCollection.items[0]?.compartmentId, theirs.compartmentId);
  });

  test("names are unique per namespace across compartments; other tenancies cannot see them", async () => {
    const stranger = seedApiKeyCaller(stack.oci.state);
    const theirs = stack.oci.state.createContainerRepository({
      compartmentId: stranger.tenancy.id,
      displayName: "fngate/hello",
    });
    assert.notEqual(theirs.namespace, tenancy.namespace, "the same name is fine in another namespace");
    await rejectsWith(
      artifacts().getContainerRepository({ repositoryId: theirs.id }),
      404,
      "NotAuthorizedOrNotFound",
    );
    await rejectsWith(
      artifacts().getContainerRepository({ repositoryId: newOcid("containerrepo", "phx") }),
      404,
      "NotAuthorizedOrNotFound",
    );
    await rejectsWith(
      artifacts().listContainerRepositories({ compartmentId: stranger.tenancy.id }),
      404,
      "NotAuthorizedOrNotFound",
    );
  });

  test("invalid names, unknown fields and bad page tokens are 400", async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ displayName: "Fngate/Hello" }, "InvalidParameter", /not a valid repository name/],
      [{ displayName: "fngate//hello" }, "InvalidParameter", /not a valid repository name/],
      [{ isPublic: "yes" }, "InvalidParameter", /isPublic must be a boolean/],
      [{ colour: "blue" }, "InvalidParameter", /Unknown field colour in CreateContainerRepositoryDetails/],
      [{ displayName: undefined }, "MissingParameter", /displayName is required/],
    ];
    for (const [change, code, message] of cases) {
      const createContainerRepositoryDetails = {
        compartmentId: tenancy.id,
        displayName: "fngate/valid",
        ...change,
      } as models.CreateContainerRepositoryDetails;
      await rejectsWith(
        artifacts().createContainerRepository({ createContainerRepositoryDetails }),
        400,
        code,
        message,
      );
    }
    await rejectsWith(
      artifacts().listContainerRepositories({ compartmentId: tenancy.id, page: "not-a-token" }),
      400,
      "InvalidParameter",
    );
  });

  test("the container configuration names the tenancy namespace", async () => {
    const response = await artifacts().getContainerConfiguration({ compartmentId: tenancy.id });
    assert.deepEqual(response.containerConfiguration, {
      isRepositoryCreatedOnFirstPush: false,
      namespace: tenancy.namespace,
    });
  });
});
