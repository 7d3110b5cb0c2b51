// fngate's OCI lookups read every page of a list, through the SDK's own paginators (record iterators
// for Functions, pagedItems for the APIs that wrap items in a collection), against the strict
// emulator's opc-next-page tokens: what is on a later page is found, and nothing is read twice.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { models, type requests } from "oci-apigateway";
import { findApplication } from "../src/oci/functions/application-lookup.ts";
import { findLabelledFunctions } from "../src/oci/functions/labelled-functions.ts";
import { pagedItems } from "../src/oci/paged-items.ts";
import { RUN_LABEL_KEY } from "../src/run-label.ts";
import { FUNCTIONS_PAGE_LIMITS } from "./emulators/oci/routes/functions-applications.ts";
import { apiGatewayClients, functionsClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

let stack: EmulatorStack;
before(async () => {
  stack = await startEmulatorStack();
  trustCaInProcess(stack.caPem);
});
after(async () => {
  await stack?.close();
});

describe("OCI lists read across pages", () => {
  test("pagedItems follows opc-next-page with the same filters until the last page", async () => {
    const { tenancy, me } = seedApiKeyCaller(stack.oci.state);
    const gateway = stack.oci.state.createGateway({ compartmentId: tenancy.id });
    const { deployment } = apiGatewayClients(stack.endpoints.oci, me);
    for (let n = 1; n <= 5; n += 1) {
      await deployment.createDeployment({
        createDeploymentDetails: {
          gatewayId: gateway.id,
          compartmentId: tenancy.id,
          pathPrefix: `/p${n}`,
          displayName: `api-${n}`,
          specification: {
            routes: [
              {
                path: "/hello",
                methods: [models.ApiSpecificationRoute.Methods.Get],
                backend: { type: "STOCK_RESPONSE_BACKEND", status: 200, body: "ok" },
              },
            ],
          },
        },
      });
    }
    const pagesAsked: (string | undefined)[] = [];
    const names: string[] = [];
    const listed = pagedItems(
      { compartmentId: tenancy.id, gatewayId: gateway.id, limit: 2, sortBy: "displayName" as never },
      (request: requests.ListDeploymentsRequest) => {
        pagesAsked.push(request.page);
        return deployment.listDeployments(request);
      },
      (response) => response.deploymentCollection.items,
    );
    for await (const item of listed) names.push(item.displayName ?? "");
    assert.deepEqual(names, ["api-1", "api-2", "api-3", "api-4", "api-5"]);
    assert.equal(pagesAsked.length, 3);
    assert.equal(pagesAsked[0], undefined);
    assert.ok(pagesAsked.slice(1).every((page) => typeof page === "string" && page !== ""));
  });

  test("findApplication finds a name on the last page, and a miss names the closest from every page", async () => {
    const { tenancy, me } = seedApiKeyCaller(stack.oci.state);
    const count = FUNCTIONS_PAGE_LIMITS.defaultLimit * 2 + 3;
    for (let n = 1; n <= count; n += 1) {
      stack.oci.state.createApplication({ compartmentId: tenancy.id, displayName: `app-${n}` });
    }
    const { management } = functionsClients(stack.endpoints.oci, me);
    const found = await findApplication(management, `app-${count}`, tenancy.id);
    assert.equal(found.displayName, `app-${count}`);
    await assert.rejects(findApplication(management, `app-${count}x`, tenancy.id), (error: Error) => {
      assert.match(error.message, new RegExp(`closest names there: app-${count}\\b`));
      return true;
    });
  });

  test("findLabelledFunctions reads every application and every function page", async () => {
    const { tenancy, me } = seedApiKeyCaller(stack.oci.state);
    const { defaultLimit } = FUNCTIONS_PAGE_LIMITS;
    const applications = Array.from({ length: defaultLimit + 2 }, (_, n) =>
      stack.oci.state.createApplication({ compartmentId: tenancy.id, displayName: `svc-${n + 1}` }),
    );
    const last = applications.at(-1);
    assert.ok(last);
    for (let n = 1; n <= defaultLimit + 1; n += 1) {
      stack.oci.state.createFunction({
        applicationId: last.id,
        displayName: `fn-${n}`,
        image: "phx.ocir.io/axnamespace/fngate/hello:0.0.1",
        memoryInMBs: 256,
        ...(n === 1 || n === defaultLimit + 1 ? { freeformTags: { [RUN_LABEL_KEY]: "run-7" } } : {}),
      });
    }
    const { management } = functionsClients(stack.endpoints.oci, me);
    const found = await findLabelledFunctions(management, { compartmentId: tenancy.id }, "run-7");
    assert.deepEqual(
      found.map((fn) => `${fn.application}/${fn.displayName}`).sort(),
      [`${last.displayName}/fn-1`, `${last.displayName}/fn-${defaultLimit + 1}`].sort(),
    );
  });
});
