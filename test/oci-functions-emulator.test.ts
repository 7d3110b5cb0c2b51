// The Functions management API of the OCI emulator against the real oci-functions client:
// pagination, exact display-name filters, lifecycle transitions, etags and if-match. The
// emulator clock is moved forward instead of sleeping, so lifecycle tests are fast and cannot
// race. Error answers (400/404/409/429) are in oci-functions-emulator-errors.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as common from "oci-common";
import { models } from "oci-functions";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { newOcid } from "./emulators/oci/ocid.ts";
import { type ApiKeyIdentity, functionsClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import type { Tenancy } from "./emulators/oci/state.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

// Long enough that nothing settles by itself during a test; advance() settles it on purpose.
const ACTIVE_DELAY_MS = 10_000;
const NO_RETRY = { retryConfiguration: common.NoRetryConfigurationDetails };

describe("OCI emulator: Functions management API", () => {
  let stack: EmulatorStack;
  let url: string;
  let tenancy: Tenancy;
  let me: ApiKeyIdentity;
  let clockOffsetMs = 0;
  // Settles pending CREATING/UPDATING transitions; stays well inside the 5-minute signature window.
  const advance = () => {
    clockOffsetMs += ACTIVE_DELAY_MS + 1;
  };
  const client = () => functionsClients(url, me).management;

  before(async () => {
    stack = await startEmulatorStack({
      now: () => new Date(Date.now() + clockOffsetMs),
      functionActiveDelayMs: ACTIVE_DELAY_MS,
    });
    trustCaInProcess(stack.caPem);
    url = stack.endpoints.oci;
    ({ tenancy, me } = seedApiKeyCaller(stack.oci.state, "acme"));
  });

  after(async () => {
    await stack.close();
  });

  function seedFunction(applicationId: string, displayName: string) {
    return stack.oci.state.createFunction({
      applicationId,
      displayName,
      image: "phx.ocir.io/axnamespace/fngate/hello:0.0.1",
      memoryInMBs: 256,
    });
  }

  test("applications list in pages of `limit` with opc-next-page, and displayName matches exactly", async () => {
    const compartment = seedApiKeyCaller(stack.oci.state);
    for (let n = 1; n <= 23; n += 1) {
      stack.oci.state.createApplication({ compartmentId: compartment.tenancy.id, displayName: `app-${n}` });
    }
    const management = functionsClients(url, compartment.me).management;
    const names: string[] = [];
    let page: string | undefined;
    let pages = 0;
    do {
      const response = await management.listApplications({
        compartmentId: compartment.tenancy.id,
        limit: 10,
        ...(page ? { page } : {}),
      });
      pages += 1;
      names.push(...response.items.map((item) => item.displayName ?? ""));
      page = response.opcNextPage;
      assert.ok(pages < 5, "the list ends");
    } while (page);
    assert.equal(pages, 3);
    assert.equal(names.length, 23);
    assert.deepEqual(names, [...names].sort(), "sorted by displayName by default");
    assert.equal(new Set(names).size, 23, "no item twice across pages");

    // "app-2" must not match app-20..app-23: the filter is exact, not a prefix.
    const exact = await management.listApplications({
      compartmentId: compartment.tenancy.id,
      displayName: "app-2",
    });
    assert.deepEqual(
      exact.items.map((item) => item.displayName),
      ["app-2"],
    );
    assert.equal(exact.opcNextPage, undefined);
    await rejectsWith(
      client().listApplications({ compartmentId: compartment.tenancy.id }),
      404,
      "NotAuthorizedOrNotFound",
    );
  });

  test("createApplication returns it ACTIVE with an etag; a duplicate name is 409, an unknown id 404", async () => {
    const details = {
      compartmentId: tenancy.id,
      displayName: "fngate",
      subnetIds: [newOcid("subnet", "phx")],
    };
    const created = await client().createApplication({ createApplicationDetails: details });
    assert.equal(created.application.lifecycleState, "ACTIVE");
    assert.equal(created.application.shape, "GENERIC_X86");
    assert.ok(created.etag);
    const read = await client().getApplication({ applicationId: created.application.id });
    assert.equal(read.etag, created.etag);
    await rejectsWith(client().createApplication({ createApplicationDetails: details }), 409, "Conflict");
    await rejectsWith(
      client().createApplication({
        createApplicationDetails: {
          compartmentId: tenancy.id,
          displayName: "no-subnets",
        } as models.CreateApplicationDetails,
      }),
      400,
      "MissingParameter",
      /subnetIds/,
    );
    await rejectsWith(
      client().getApplication({ applicationId: newOcid("fnapp", "phx") }),
      404,
      "NotAuthorizedOrNotFound",
    );
  });

  test("a created function is CREATING, then ACTIVE with a new etag; the SDK waiter sees it", async () => {
    const application = stack.oci.state.createApplication({
      compartmentId: tenancy.id,
      displayName: "lifecycle",
    });
    const created = await client().createFunction({
      createFunctionDetails: {
        applicationId: application.id,
        displayName: "hello",
        image: "phx.ocir.io/axnamespace/fngate/hello:0.0.1",
        memoryInMBs: 256,
        config: { GREETING: "hi" },
      },
    });
    const fn = created.function;
    assert.equal(fn.lifecycleState, "CREATING");
    assert.equal(fn.invokeEndpoint, url, "invokeEndpoint is the emulator itself");
    assert.equal(fn.timeoutInSeconds, 30, "OCI's default timeout");
    assert.equal(fn.imageDigest, null, "no registry attached, so no digest to pin");
    assert.deepEqual(fn.config, { GREETING: "hi" });
    assert.match(fn.id, /^ocid1\.fnfunc\.oc1\./);

    const waiters = client().createWaiters({
      terminationStrategy: new common.MaxAttemptsTerminationStrategy(200),
      delayStrategy: new common.FixedTimeDelayStrategy(0.01),
    });
    const timer = setTimeout(advance, 100);
    const active = await waiters.forFunction({ functionId: fn.id }, models.Function.LifecycleState.Active);
    clearTimeout(timer);
    assert.equal(active?.function.lifecycleState, "ACTIVE");
    assert.notEqual(active?.etag, created.etag, "the lifecycle change changes the etag");
  });

  test("updateFunction honours if-match: the current etag works, a stale one is 412", async () => {
    const application = stack.oci.state.createApplication({
      compartmentId: tenancy.id,
      displayName: "etags",
    });
    const fn = seedFunction(application.id, "hello");
    advance();
    const { etag: current } = await client().getFunction({ functionId: fn.id });
    const updated = await client().updateFunction({
      functionId: fn.id,
      ifMatch: current,
      updateFunctionDetails: { memoryInMBs: 512, timeoutInSeconds: 120 },
    });
    assert.equal(updated.function.lifecycleState, "UPDATING");
    assert.equal(updated.function.memoryInMBs, 512);
    assert.notEqual(updated.etag, current);
    await rejectsWith(
      client().updateFunction({
        functionId: fn.id,
        ifMatch: current,
        updateFunctionDetails: { memoryInMBs: 1024 },
      }),
      412,
      "PreconditionFailed",
    );
    // While UPDATING, a further update is 409 IncorrectState...
    await rejectsWith(
      client().updateFunction({
        functionId: fn.id,
        updateFunctionDetails: { memoryInMBs: 1024 },
        ...NO_RETRY,
      }),
      409,
      "IncorrectState",
    );
    // ...which the SDK retries by default until the function is ACTIVE again.
    const timer = setTimeout(advance, 100);
    const retried = await client().updateFunction({
      functionId: fn.id,
      updateFunctionDetails: { memoryInMBs: 1024 },
    });
    clearTimeout(timer);
    assert.equal(retried.function.memoryInMBs, 1024);
  });

  test("functions list in pages with an exact displayName filter; a foreign page token is 400", async () => {
    const application = stack.oci.state.createApplication({ compartmentId: tenancy.id, displayName: "many" });
    for (let n = 1; n <= 12; n += 1) seedFunction(application.id, `fn-${n}`);
    const seen: string[] = [];
    let page: string | undefined;
    let pages = 0;
    do {
      const response = await client().listFunctions({
        applicationId: application.id,
        limit: 5,
        ...(page ? { page } : {}),
      });
      seen.push(...response.items.map((item) => item.displayName ?? ""));
      page = response.opcNextPage;
      pages += 1;
    } while (page && pages < 10);
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 12);

    const exact = await client().listFunctions({ applicationId: application.id, displayName: "fn-1" });
    assert.deepEqual(
      exact.items.map((item) => [item.displayName, item.lifecycleState]),
      [["fn-1", "CREATING"]],
    );
    const first = await client().listFunctions({ applicationId: application.id, limit: 5 });
    const otherApplication = stack.oci.state.createApplication({
      compartmentId: tenancy.id,
      displayName: "few",
    });
    await rejectsWith(
      client().listFunctions({
        applicationId: otherApplication.id,
        limit: 5,
        page: first.opcNextPage ?? "",
        ...NO_RETRY,
      }),
      400,
      "InvalidParameter",
    );
  });
});
