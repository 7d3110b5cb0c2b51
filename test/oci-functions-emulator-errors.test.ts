// The error answers of the Functions management API through the real oci-functions client:
// 400 naming the field for invalid bodies (and nothing created), 404 for unknown or foreign
// resources, 409 for duplicate names, and injected 429/500 faults with the SDK's retries.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as common from "oci-common";
import type { models } from "oci-functions";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { newOcid } from "./emulators/oci/ocid.ts";
import { type ApiKeyIdentity, functionsClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import type { Tenancy } from "./emulators/oci/state.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

const NO_RETRY = { retryConfiguration: common.NoRetryConfigurationDetails };
const FAST_RETRY = {
  retryConfiguration: {
    terminationStrategy: new common.MaxAttemptsTerminationStrategy(5),
    delayStrategy: new common.FixedTimeDelayStrategy(0),
  },
};

describe("OCI emulator: Functions management errors", () => {
  let stack: EmulatorStack;
  let url: string;
  let tenancy: Tenancy;
  let me: ApiKeyIdentity;
  const client = () => functionsClients(url, me).management;

  before(async () => {
    // Functions are ACTIVE at once here: these tests are about refusals, not transitions.
    stack = await startEmulatorStack({ functionActiveDelayMs: 0 });
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

  test("function names are unique within an application, not across applications", async () => {
    const first = stack.oci.state.createApplication({ compartmentId: tenancy.id, displayName: "unique-a" });
    const second = stack.oci.state.createApplication({ compartmentId: tenancy.id, displayName: "unique-b" });
    const details = {
      displayName: "hello",
      image: "phx.ocir.io/axnamespace/fngate/hello:0.0.1",
      memoryInMBs: 128,
    };
    await client().createFunction({ createFunctionDetails: { ...details, applicationId: first.id } });
    await rejectsWith(
      client().createFunction({ createFunctionDetails: { ...details, applicationId: first.id } }),
      409,
      "Conflict",
    );
    await client().createFunction({ createFunctionDetails: { ...details, applicationId: second.id } });
  });

  test("invalid bodies are 400 naming the field, and create nothing", async () => {
    const application = stack.oci.state.createApplication({
      compartmentId: tenancy.id,
      displayName: "invalid",
    });
    const valid = {
      applicationId: application.id,
      displayName: "hello",
      image: "phx.ocir.io/axnamespace/fngate/hello:0.0.1",
      memoryInMBs: 256,
    };
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
    const before = stack.oci.state.fn.functions.size;
    for (const [change, code, message] of cases) {
      const createFunctionDetails = { ...valid, ...change } as models.CreateFunctionDetails;
      await rejectsWith(client().createFunction({ createFunctionDetails }), 400, code, message);
    }
    assert.equal(stack.oci.state.fn.functions.size, before);

    const fn = seedFunction(application.id, "updatable");
    await rejectsWith(
      client().updateFunction({
        functionId: fn.id,
        updateFunctionDetails: { displayName: "renamed" } as models.UpdateFunctionDetails,
      }),
      400,
      "InvalidParameter",
      /Unknown field displayName in UpdateFunctionDetails/,
    );
  });

  test("unknown functions and other tenancies' functions are NotAuthorizedOrNotFound", async () => {
    const stranger = seedApiKeyCaller(stack.oci.state);
    const foreignApp = stack.oci.state.createApplication({
      compartmentId: stranger.tenancy.id,
      displayName: "theirs",
    });
    const foreign = seedFunction(foreignApp.id, "secret");
    for (const functionId of [foreign.id, newOcid("fnfunc", "phx")]) {
      await rejectsWith(client().getFunction({ functionId }), 404, "NotAuthorizedOrNotFound");
      await rejectsWith(
        client().updateFunction({ functionId, updateFunctionDetails: { memoryInMBs: 256 } }),
        404,
        "NotAuthorizedOrNotFound",
      );
    }
    await rejectsWith(
      client().listFunctions({ applicationId: foreignApp.id }),
      404,
      "NotAuthorizedOrNotFound",
    );
  });

  test("injected faults answer the next calls with OCI's codes; the SDK retries them when allowed", async () => {
    const application = stack.oci.state.createApplication({
      compartmentId: tenancy.id,
      displayName: "faults",
    });
    const from = stack.oci.requests.length;
    stack.oci.faults.next(2, { status: 429, retryAfter: 1 });
    const listed = await client().listFunctions({ applicationId: application.id, ...FAST_RETRY });
    assert.deepEqual(listed.items, []);
    assert.deepEqual(
      stack.oci.requests.slice(from).map((entry) => [entry.operation, entry.status, entry.injectedFault]),
      [
        ["ListFunctions", 429, "429 TooManyRequests"],
        ["ListFunctions", 429, "429 TooManyRequests"],
        ["ListFunctions", 200, undefined],
      ],
    );

    stack.oci.faults.next(1, { status: 500 });
    await rejectsWith(
      client().getApplication({ applicationId: application.id, ...NO_RETRY }),
      500,
      "InternalServerError",
    );

    // A fault aimed at one operation leaves the others alone.
    stack.oci.faults.next(1, { status: 429 }, { operations: ["CreateFunction"] });
    await client().getApplication({ applicationId: application.id, ...NO_RETRY });
    await rejectsWith(
      client().createFunction({
        createFunctionDetails: {
          applicationId: application.id,
          displayName: "throttled",
          image: "phx.ocir.io/axnamespace/fngate/hello:0.0.1",
          memoryInMBs: 128,
        },
        ...NO_RETRY,
      }),
      429,
      "TooManyRequests",
    );
    const names = [...stack.oci.state.fn.functions.values()].map((fn) => fn.displayName);
    assert.ok(!names.includes("throttled"), "a throttled create creates nothing");
  });
});
