// The Functions management API of the OCI emulator against the real oci-functions client:
// pagination, exact display-name filters, lifecycle transitions, etags and if-match, and the error
// answers (400 naming the field and creating nothing, 404 for unknown or foreign resources, 409 for
// duplicate names, injected 429/500 faults with the SDK's retries). The emulator clock is moved
// forward instead of sleeping, so lifecycle tests are fast and cannot race.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as common from "oci-common";
import { models } from "oci-functions";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { newOcid } from "./emulators/oci/ocid.ts";
import { functionsClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import {
  NO_RETRY,
  type OciSdkWorld,
  pageOf,
  readAllPages,
  startOciSdkWorld,
} from "./support/oci-sdk-world.ts";

// Long enough that nothing settles by itself during a test; settle() settles it on purpose.
const ACTIVE_DELAY_MS = 10_000;
const IMAGE = "phx.ocir.io/axnamespace/fngate/hello:0.0.1";
const POLL_RETRY = {
  terminationStrategy: new common.MaxAttemptsTerminationStrategy(50),
  delayStrategy: new common.FixedTimeDelayStrategy(0.02),
};
const FAST_RETRY = {
  retryConfiguration: {
    terminationStrategy: new common.MaxAttemptsTerminationStrategy(5),
    delayStrategy: new common.FixedTimeDelayStrategy(0),
  },
};

describe("OCI emulator: Functions management API", () => {
  let w: OciSdkWorld;
  const client = () => functionsClients(w.url, w.me).management;
  // Settles pending CREATING/UPDATING transitions; stays well inside the 5-minute signature window.
  const settle = () => w.later(ACTIVE_DELAY_MS + 1);
  const app = (displayName: string, compartmentId = w.tenancy.id) =>
    w.stack.oci.state.fn.createApplication({ compartmentId, displayName });
  const seedFunction = (applicationId: string, displayName: string) =>
    w.stack.oci.state.fn.createFunction({ applicationId, displayName, image: IMAGE, memoryInMBs: 256 });

  before(async () => {
    w = await startOciSdkWorld({ functionActiveDelayMs: ACTIVE_DELAY_MS });
  });
  after(() => w?.close());

  test("applications list in pages of `limit` with opc-next-page, and displayName matches exactly", async () => {
    const compartment = seedApiKeyCaller(w.stack.oci.state);
    for (let n = 1; n <= 23; n += 1) app(`app-${n}`, compartment.tenancy.id);
    const management = functionsClients(w.url, compartment.me).management;
    const list = (extra: object) =>
      management.listApplications({ compartmentId: compartment.tenancy.id, ...extra });
    const { items, pages } = await readAllPages(async (page) => {
      const response = await list({ limit: 10, ...pageOf(page) });
      return { items: response.items.map((item) => item.displayName ?? ""), next: response.opcNextPage };
    });
    assert.equal(pages, 3);
    assert.equal(items.length, 23);
    assert.deepEqual(items, [...items].sort(), "sorted by displayName by default");
    assert.equal(new Set(items).size, 23, "no item twice across pages");
    // "app-2" must not match app-20..app-23: the filter is exact, not a prefix.
    const exact = await list({ displayName: "app-2" });
    assert.deepEqual(
      exact.items.map((item) => item.displayName),
      ["app-2"],
    );
    assert.equal(exact.opcNextPage, undefined);
    const foreign = client().listApplications({ compartmentId: compartment.tenancy.id });
    await rejectsWith(foreign, 404, "NotAuthorizedOrNotFound");
  });

  test("an application reads back ACTIVE with an etag; a duplicate name is refused, an unknown id is 404", async () => {
    const read = await client().getApplication({ applicationId: app("fngate").id });
    assert.deepEqual([read.application.lifecycleState, read.application.shape], ["ACTIVE", "GENERIC_X86"]);
    assert.ok(read.etag);
    assert.throws(() => app("fngate"), /An application named fngate already exists in the compartment/);
    const unknown = client().getApplication({ applicationId: newOcid("fnapp", "phx") });
    await rejectsWith(unknown, 404, "NotAuthorizedOrNotFound");
  });

  test("a created function is CREATING, then ACTIVE with a new etag; the SDK waiter sees it", async () => {
    const created = await client().createFunction({
      createFunctionDetails: {
        applicationId: app("lifecycle").id,
        displayName: "hello",
        image: IMAGE,
        memoryInMBs: 256,
        config: { GREETING: "hi" },
      },
    });
    const fn = created.function;
    assert.equal(fn.lifecycleState, "CREATING");
    assert.equal(fn.invokeEndpoint, w.url, "invokeEndpoint is the emulator itself");
    assert.equal(fn.timeoutInSeconds, 30, "OCI's default timeout");
    assert.equal(fn.imageDigest, null, "no registry attached, so no digest to pin");
    assert.deepEqual(fn.config, { GREETING: "hi" });
    assert.match(fn.id, /^ocid1\.fnfunc\.oc1\./);
    const waiters = client().createWaiters({
      terminationStrategy: new common.MaxAttemptsTerminationStrategy(200),
      delayStrategy: new common.FixedTimeDelayStrategy(0.01),
    });
    const timer = setTimeout(settle, 100);
    const active = await waiters.forFunction({ functionId: fn.id }, models.Function.LifecycleState.Active);
    clearTimeout(timer);
    assert.equal(active?.function.lifecycleState, "ACTIVE");
    assert.notEqual(active?.etag, created.etag, "the lifecycle change changes the etag");
  });

  test("updateFunction honours if-match: the current etag works, a stale one is 412", async () => {
    const fn = seedFunction(app("etags").id, "hello");
    settle();
    const update = (memoryInMBs: number, extra: object = {}) =>
      client().updateFunction({ functionId: fn.id, updateFunctionDetails: { memoryInMBs }, ...extra });
    const { etag: current } = await client().getFunction({ functionId: fn.id });
    const updated = await client().updateFunction({
      functionId: fn.id,
      ifMatch: current,
      updateFunctionDetails: { memoryInMBs: 512, timeoutInSeconds: 120 },
    });
    assert.equal(updated.function.lifecycleState, "UPDATING");
    assert.equal(updated.function.memoryInMBs, 512);
    assert.notEqual(updated.etag, current);
    await rejectsWith(update(1024, { ifMatch: current }), 412, "PreconditionFailed");
    // While UPDATING, a further update is 409 IncorrectState...
    await rejectsWith(update(1024, NO_RETRY), 409, "IncorrectState");
    // ...which the SDK's default retry condition retries until the function is ACTIVE again (polled
    // every 20 ms here instead of the default backoff's first second).
    const timer = setTimeout(settle, 100);
    const retried = await update(1024, { retryConfiguration: POLL_RETRY });
    clearTimeout(timer);
    assert.equal(retried.function.memoryInMBs, 1024);
  });

  test("functions list in pages with an exact displayName filter; a foreign page token is 400", async () => {
    const application = app("many");
    for (let n = 1; n <= 12; n += 1) seedFunction(application.id, `fn-${n}`);
    const list = (extra: object) => client().listFunctions({ applicationId: application.id, ...extra });
    const { items, pages } = await readAllPages(async (page) => {
      const response = await list({ limit: 5, ...pageOf(page) });
      return { items: response.items.map((item) => item.displayName ?? ""), next: response.opcNextPage };
    });
    assert.equal(pages, 3);
    assert.equal(new Set(items).size, 12);
    const exact = await list({ displayName: "fn-1" });
    assert.deepEqual(
      exact.items.map((item) => [item.displayName, item.lifecycleState]),
      [["fn-1", "CREATING"]],
    );
    const first = await list({ limit: 5 });
    const page = first.opcNextPage ?? "";
    const other = client().listFunctions({ applicationId: app("few").id, limit: 5, page, ...NO_RETRY });
    await rejectsWith(other, 400, "InvalidParameter");
  });

  test("function names are unique within an application, not across applications", async () => {
    const details = { displayName: "hello", image: IMAGE, memoryInMBs: 128 };
    const create = (applicationId: string) =>
      client().createFunction({ createFunctionDetails: { ...details, applicationId } });
    const [first, second] = [app("unique-a").id, app("unique-b").id];
    await create(first);
    await rejectsWith(create(first), 409, "Conflict");
    await create(second);
  });

  test("invalid bodies are 400 naming the field, and create nothing", async () => {
    const application = app("invalid");
    const valid = { applicationId: application.id, displayName: "hello", image: IMAGE, memoryInMBs: 256 };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ memoryInMBs: 64 }, "InvalidParameter", /memoryInMBs must be between 128 and 3072/],
      [{ memoryInMBs: 4096 }, "InvalidParameter", /memoryInMBs/],
      [{ memoryInMBs: "256" }, "InvalidParameter", /memoryInMBs must be an integer/],
      [{ timeoutInSeconds: 301 }, "InvalidParameter", /timeoutInSeconds must be between 5 and 300/],
      [{ timeoutInSeconds: 4 }, "InvalidParameter", /timeoutInSeconds/],
      [{ bogus: true }, "InvalidParameter", /Unknown field bogus in CreateFunctionDetails/],
      [{ image: undefined }, "MissingParameter", /image is required/],
      [{ image: "Not A/Reference" }, "InvalidParameter", /image .* is not a valid image reference/],
      [{ imageDigest: "sha256:xyz" }, "InvalidParameter", /imageDigest/],
      [{ config: { "1BAD": "x" } }, "InvalidParameter", /config key "1BAD"/],
      [{ displayName: undefined }, "MissingParameter", /displayName is required/],
    ];
    const before = w.stack.oci.state.fn.functions.size;
    for (const [change, code, message] of cases) {
      const createFunctionDetails = { ...valid, ...change } as models.CreateFunctionDetails;
      await rejectsWith(client().createFunction({ createFunctionDetails }), 400, code, message);
    }
    assert.equal(w.stack.oci.state.fn.functions.size, before);
    const fn = seedFunction(application.id, "updatable");
    settle();
    const updateFunctionDetails = { displayName: "renamed" } as models.UpdateFunctionDetails;
    await rejectsWith(
      client().updateFunction({ functionId: fn.id, updateFunctionDetails }),
      400,
      "InvalidParameter",
      /Unknown field displayName in UpdateFunctionDetails/,
    );
  });

  test("unknown functions and other tenancies' functions are NotAuthorizedOrNotFound", async () => {
    const stranger = seedApiKeyCaller(w.stack.oci.state);
    const foreignApp = app("theirs", stranger.tenancy.id);
    const foreign = seedFunction(foreignApp.id, "secret");
    for (const functionId of [foreign.id, newOcid("fnfunc", "phx")]) {
      await rejectsWith(client().getFunction({ functionId }), 404, "NotAuthorizedOrNotFound");
      const update = client().updateFunction({ functionId, updateFunctionDetails: { memoryInMBs: 256 } });
      await rejectsWith(update, 404, "NotAuthorizedOrNotFound");
    }
    const listed = client().listFunctions({ applicationId: foreignApp.id });
    await rejectsWith(listed, 404, "NotAuthorizedOrNotFound");
  });

  test("injected faults answer the next calls with OCI's codes; the SDK retries them when allowed", async () => {
    const application = app("faults");
    const { requests, faults } = w.stack.oci;
    const from = requests.length;
    faults.next(2, { status: 429, retryAfter: 1 });
    const listed = await client().listFunctions({ applicationId: application.id, ...FAST_RETRY });
    assert.deepEqual(listed.items, []);
    assert.deepEqual(
      requests.slice(from).map((entry) => [entry.operation, entry.status, entry.injectedFault]),
      [
        ["ListFunctions", 429, "429 TooManyRequests"],
        ["ListFunctions", 429, "429 TooManyRequests"],
        ["ListFunctions", 200, undefined],
      ],
    );
    faults.next(1, { status: 500 });
    const read = () => client().getApplication({ applicationId: application.id, ...NO_RETRY });
    await rejectsWith(read(), 500, "InternalServerError");
    // A fault aimed at one operation leaves the others alone.
    faults.next(1, { status: 429 }, { operations: ["CreateFunction"] });
    await read();
    const details = {
      applicationId: application.id,
      displayName: "throttled",
      image: IMAGE,
      memoryInMBs: 128,
    };
    const throttled = client().createFunction({ createFunctionDetails: details, ...NO_RETRY });
    await rejectsWith(throttled, 429, "TooManyRequests");
    const names = [...w.stack.oci.state.fn.functions.values()].map((fn) => fn.displayName);
    assert.ok(!names.includes("throttled"), "a throttled create creates nothing");
  });
});
