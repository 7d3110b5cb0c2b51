// OCI lists are read page by page, and compartments nest. fngate's lookups read every page through
// the SDK's own paginators (record iterators for Functions, pagedItems for the APIs that wrap items
// in a collection) against the strict emulator's opc-next-page tokens: what is on a later page is
// found, and nothing is read twice. The emulator's IAM reads through the real IdentityClient:
// GetCompartment for the tenancy (the root compartment) and below it, ListPolicies per compartment
// with pagination, and the same 404 for another tenancy's compartments as for missing ones. Container
// repositories through the real oci-artifacts client: the list is a paginated
// ContainerRepositoryCollection, so "create the repository if it is missing" is only right when it
// reads every page (or filters by the exact name); names are unique per tenancy namespace.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { requests as gatewayRequests } from "oci-apigateway";
import { type models, requests } from "oci-artifacts";
import { findApplication } from "../src/oci/functions/application-lookup.ts";
import { findLabelledFunctions } from "../src/oci/functions/labelled-functions.ts";
import { pagedItems } from "../src/oci/paged-items.ts";
import { RUN_LABEL_KEY } from "../src/run-label.ts";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { FUNCTIONS_PAGE_LIMITS } from "./emulators/oci/routes/functions-applications.ts";
import {
  apiGatewayClients,
  functionsClients,
  ociClients,
  seedApiKeyCaller,
} from "./emulators/oci/sdk-clients.ts";
import { type OciSdkWorld, pageOf, readAllPages, startOciSdkWorld } from "./support/oci-sdk-world.ts";

let w: OciSdkWorld;
before(async () => {
  w = await startOciSdkWorld({}, "repos");
});
after(() => w?.close());
const IMAGE = "phx.ocir.io/axnamespace/fngate/hello:0.0.1";

describe("OCI lists read across pages", () => {
  test("pagedItems follows opc-next-page with the same filters until the last page; displayName and gatewayId filter exactly", async () => {
    const { tenancy, me } = seedApiKeyCaller(w.stack.oci.state);
    const compartmentId = tenancy.id;
    const gateway = w.stack.oci.state.apigw.createGateway({ compartmentId });
    const other = w.stack.oci.state.apigw.createGateway({ compartmentId });
    const { deployment } = apiGatewayClients(w.url, me);
    const backend = { type: "STOCK_RESPONSE_BACKEND", status: 200, body: "ok" };
    for (let n = 1; n <= 6; n += 1) {
      await deployment.createDeployment({
        createDeploymentDetails: {
          gatewayId: n === 6 ? other.id : gateway.id,
          compartmentId,
          pathPrefix: `/p${n}`,
          displayName: n === 2 ? "api-2" : `api-${n}0`,
          specification: { routes: [{ path: "/hello", backend }] },
        },
      });
    }
    const pagesAsked: (string | undefined)[] = [];
    const names: string[] = [];
    const listed = pagedItems(
      { compartmentId, gatewayId: gateway.id, limit: 2, sortBy: "displayName" as never },
      (request: gatewayRequests.ListDeploymentsRequest) => {
        pagesAsked.push(request.page);
        return deployment.listDeployments(request);
      },
      (response) => response.deploymentCollection.items,
    );
    for await (const item of listed) names.push(item.displayName ?? "");
    assert.deepEqual(names, ["api-10", "api-2", "api-30", "api-40", "api-50"]);
    assert.equal(pagesAsked.length, 3);
    assert.equal(pagesAsked[0], undefined);
    assert.ok(pagesAsked.slice(1).every((page) => typeof page === "string" && page !== ""));
    const prefixes = async (filter: object) =>
      (await deployment.listDeployments({ compartmentId, ...filter })).deploymentCollection.items.map(
        (item) => item.pathPrefix,
      );
    // "api-2" must not match api-20..: the filter is exact, not a prefix.
    assert.deepEqual(await prefixes({ displayName: "api-2" }), ["/p2"]);
    assert.deepEqual(await prefixes({ gatewayId: other.id }), ["/p6"]);
  });

  test("findApplication finds a name on the last page, and a miss names the closest from every page", async () => {
    const { tenancy, me } = seedApiKeyCaller(w.stack.oci.state);
    const count = FUNCTIONS_PAGE_LIMITS.defaultLimit * 2 + 3;
    for (let n = 1; n <= count; n += 1) {
      w.stack.oci.state.fn.createApplication({ compartmentId: tenancy.id, displayName: `app-${n}` });
    }
    const { management } = functionsClients(w.url, me);
    const found = await findApplication(management, `app-${count}`, tenancy.id);
    assert.equal(found.displayName, `app-${count}`);
    await assert.rejects(findApplication(management, `app-${count}x`, tenancy.id), (error: Error) => {
      assert.match(error.message, new RegExp(`closest names there: app-${count}\\b`));
      return true;
    });
  });

  test("findLabelledFunctions reads every application and every function page", async () => {
    const { tenancy, me } = seedApiKeyCaller(w.stack.oci.state);
    const { defaultLimit } = FUNCTIONS_PAGE_LIMITS;
    const applications = Array.from({ length: defaultLimit + 2 }, (_, n) =>
      w.stack.oci.state.fn.createApplication({ compartmentId: tenancy.id, displayName: `svc-${n + 1}` }),
    );
    const last = applications.at(-1);
    assert.ok(last);
    for (let n = 1; n <= defaultLimit + 1; n += 1) {
      const labelled = n === 1 || n === defaultLimit + 1;
      w.stack.oci.state.fn.createFunction({
        applicationId: last.id,
        displayName: `fn-${n}`,
        image: IMAGE,
        memoryInMBs: 256,
        ...(labelled ? { freeformTags: { [RUN_LABEL_KEY]: "run-7" } } : {}),
      });
    }
    const { management } = functionsClients(w.url, me);
    const found = await findLabelledFunctions(management, { compartmentId: tenancy.id }, "run-7");
    assert.deepEqual(
      found.map((fn) => `${fn.application}/${fn.displayName}`).sort(),
      [`${last.displayName}/fn-1`, `${last.displayName}/fn-${defaultLimit + 1}`].sort(),
    );
  });
});

describe("OCI emulator: compartments and policies", () => {
  test("GetCompartment answers for the tenancy and for a compartment two levels down", async () => {
    const { tenancy, me } = seedApiKeyCaller(w.stack.oci.state, "acme");
    const apps = w.stack.oci.state.iam.createCompartment({ parentId: tenancy.id, name: "apps" });
    const fns = w.stack.oci.state.iam.createCompartment({ parentId: apps.id, name: "fns" });
    const { identity } = ociClients(w.url, me);
    const root = await identity.getCompartment({ compartmentId: tenancy.id });
    assert.equal(root.compartment.name, "acme");
    assert.equal(root.compartment.lifecycleState, "ACTIVE");
    const leaf = await identity.getCompartment({ compartmentId: fns.id });
    assert.deepEqual([leaf.compartment.name, leaf.compartment.compartmentId], ["fns", apps.id]);
    assert.ok(leaf.etag);
    assert.throws(
      () => w.stack.oci.state.iam.createCompartment({ parentId: tenancy.id, name: "APPS" }),
      /already exists/,
      "names are unique among siblings, whatever the case",
    );
  });

  test("ListPolicies lists one compartment's policies page by page; another tenancy's is a 404", async () => {
    const { tenancy, me } = seedApiKeyCaller(w.stack.oci.state, "paged");
    const team = w.stack.oci.state.iam.createCompartment({ parentId: tenancy.id, name: "team" });
    for (let n = 1; n <= 5; n++) {
      const statements = [`allow group g${n} to read all-resources in tenancy`];
      w.stack.oci.state.iam.createPolicy({ compartmentId: tenancy.id, name: `p${n}`, statements });
    }
    const teamOnly = ["allow group t to read all-resources in compartment team"];
    w.stack.oci.state.iam.createPolicy({ compartmentId: team.id, name: "team-only", statements: teamOnly });
    const { identity } = ociClients(w.url, me);
    const { items, pages } = await readAllPages(async (page) => {
      const response = await identity.listPolicies({ compartmentId: tenancy.id, limit: 2, ...pageOf(page) });
      return { items: response.items.map((policy) => policy.name), next: response.opcNextPage };
    });
    assert.deepEqual(items, ["p1", "p2", "p3", "p4", "p5"]);
    assert.equal(pages, 3);
    const teamPolicies = await identity.listPolicies({ compartmentId: team.id });
    assert.deepEqual(
      teamPolicies.items.map((policy) => policy.statements),
      [["allow group t to read all-resources in compartment team"]],
    );
    const other = seedApiKeyCaller(w.stack.oci.state, "other");
    await rejectsWith(
      identity.listPolicies({ compartmentId: other.tenancy.id }),
      404,
      "NotAuthorizedOrNotFound",
    );
  });
});

describe("OCI emulator: Artifacts container repositories", () => {
  const artifacts = () => functionsClients(w.url, w.me).artifacts;
  const { SortBy, SortOrder } = requests.ListContainerRepositoriesRequest;
  /** The repositories a list call answers (compartment: the caller's tenancy unless given). */
  const list = async (extra: Partial<requests.ListContainerRepositoriesRequest> = {}) =>
    (await artifacts().listContainerRepositories({ compartmentId: w.tenancy.id, ...extra }))
      .containerRepositoryCollection.items;
  const names = async (displayName: string, extra = {}) =>
    (await list({ displayName, ...extra })).map((item) => item.displayName);
  const create = (details: Record<string, unknown>, opcRetryToken?: string) =>
    artifacts().createContainerRepository({
      createContainerRepositoryDetails: {
        compartmentId: w.tenancy.id,
        ...details,
      } as models.CreateContainerRepositoryDetails,
      ...(opcRetryToken ? { opcRetryToken } : {}),
    });
  before(() => {
    w.stack.oci.state.artifacts.seedContainerRepositories({
      compartmentId: w.tenancy.id,
      count: 120,
      prefix: "seeded",
    });
  });

  test("more than one page: a name on a later page is found only by reading on", async () => {
    const counts: number[] = [];
    // Every repository name, page by page, as a correct create-if-missing step reads them.
    const { items, pages } = await readAllPages(async (page) => {
      const response = await artifacts().listContainerRepositories({
        compartmentId: w.tenancy.id,
        limit: 50,
        sortBy: SortBy.Displayname,
        sortOrder: SortOrder.Asc,
        ...pageOf(page),
      });
      const collection = response.containerRepositoryCollection;
      counts.push(collection.repositoryCount, collection.remainingItemsCount);
      return { items: collection.items.map((item) => item.displayName), next: response.opcNextPage };
    });
    assert.equal(pages, 3);
    assert.equal(items.length, 120);
    assert.deepEqual(
      counts.slice(0, 2),
      [120, 70],
      "repositoryCount is the total, remainingItemsCount what is left",
    );
    assert.equal(items.indexOf("seeded-117"), 116, "seeded-117 sits on the third page");
    const firstPage = await artifacts().listContainerRepositories({ compartmentId: w.tenancy.id, limit: 50 });
    assert.ok(firstPage.opcNextPage, "the first page says there is more");
    assert.equal(firstPage.containerRepositoryCollection.items.length, 50);
    // The exact filter finds it on one page, and "seeded-11" does not match seeded-110..119.
    assert.deepEqual(await names("seeded-117"), ["seeded-117"]);
    assert.deepEqual(await names("seeded-11"), []);
  });

  test("default order is newest first, with 100 to a page", async () => {
    const response = await artifacts().listContainerRepositories({ compartmentId: w.tenancy.id });
    const items = response.containerRepositoryCollection.items;
    assert.equal(items.length, 100);
    assert.ok(response.opcNextPage);
    const times = items.map((item) => String(item.timeCreated));
    assert.deepEqual(times, [...times].sort().reverse());
  });

  test("create is private and mutable by default; the same name again is 409, a retry token replays", async () => {
    const created = await create({ displayName: "fngate/hello" });
    const { isPublic, isImmutable, namespace, lifecycleState, createdBy } = created.containerRepository;
    assert.deepEqual(
      [isPublic, isImmutable, namespace, lifecycleState, createdBy],
      [false, false, w.tenancy.namespace, "AVAILABLE", w.me.userId],
    );
    assert.ok(created.etag);
    const again = create({ displayName: "fngate/hello" });
    await rejectsWith(again, 409, "NotAuthorizedOrResourceAlreadyExists", /fngate\/hello/);
    const token = `retry-${Date.now()}`;
    const once = await create({ displayName: "fngate/retried" }, token);
    const twice = await create({ displayName: "fngate/retried" }, token);
    assert.equal(twice.containerRepository.id, once.containerRepository.id);
  });

  // A name taken in the root compartment is 409 in a child one, and the tenancy's subtree list finds it:
  // fn-deploy-repository.test.ts "a private repository in the root compartment (fn deploy's) is found
  // and pushed to" (no second repository is made; the root's is pushed to).
  test("a child compartment's own list misses the root's repository; the subtree list is the tenancy's only", async () => {
    const { state } = w.stack.oci;
    const child = state.iam.createCompartment({ parentId: w.tenancy.id, name: "functions" });
    const grandchild = state.iam.createCompartment({ parentId: child.id, name: "team" });
    state.artifacts.createContainerRepository({ compartmentId: w.tenancy.id, displayName: "fn/app" });
    assert.deepEqual(await list({ compartmentId: grandchild.id, displayName: "fn/app" }), []);
    await rejectsWith(
      list({ compartmentId: child.id, compartmentIdInSubtree: true }),
      400,
      "InvalidParameter",
      /only be true for the tenancy/,
    );
    const theirs = state.artifacts.createContainerRepository({
      compartmentId: grandchild.id,
      displayName: "fn/in-child",
    });
    const found = await list({ compartmentIdInSubtree: true, displayName: "fn/in-child" });
    assert.equal(found[0]?.compartmentId, theirs.compartmentId);
  });

  test("names are unique per namespace across compartments; other tenancies cannot see them", async () => {
    const stranger = seedApiKeyCaller(w.stack.oci.state);
    const compartmentId = stranger.tenancy.id;
    const theirs = w.stack.oci.state.artifacts.createContainerRepository({
      compartmentId,
      displayName: "fngate/hello",
    });
    assert.notEqual(theirs.namespace, w.tenancy.namespace, "the same name is fine in another namespace");
    await rejectsWith(list({ compartmentId }), 404, "NotAuthorizedOrNotFound");
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
      await rejectsWith(create({ displayName: "fngate/valid", ...change }), 400, code, message);
    }
    await rejectsWith(list({ page: "not-a-token" }), 400, "InvalidParameter");
  });
});
