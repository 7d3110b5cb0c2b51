// Cloud Run answers services.get with defaults the deploy never sent (resource limits, port, concurrency,
// timeout, scaling, service account, traffic). Decision table: which of them count as unchanged and
// which real changes still make exactly one update. Through the bundled action (an update keeps what it
// does not manage): cloud-run-cloud-rules.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DesiredService, serviceChanges, serviceToSend } from "../src/gcp/service-spec.ts";
import { IMAGE, IMAGE_V2, PROJECT, REGION } from "./emulators/gcp/fixture.ts";
import { withServiceDefaults } from "./emulators/gcp/run-admin-server-defaults.ts";

type Json = Record<string, unknown>;

const desired: DesiredService = {
  name: `projects/${PROJECT}/locations/${REGION}/services/s`,
  image: IMAGE,
  ingress: "all",
  env: { GREETING: "hi" },
  functionTarget: "hello_http",
};

/** What services.get shows after the deploy created the service from `desired`. */
const deployed = (): Json =>
  withServiceDefaults(serviceToSend(undefined, desired) as Json, "123456789012") as Json;

describe("Cloud Run server defaults: what counts as a change", () => {
  const filled = deployed();
  const template = filled.template as Json;
  const container = (template.containers as Json[])[0] as Json;

  it("the service as Cloud Run echoes it carries the defaults the deploy never sent", () => {
    assert.deepEqual(container.resources, { cpuIdle: true, limits: { cpu: "1000m", memory: "512Mi" } });
    assert.deepEqual(container.ports, [{ name: "http1", containerPort: 8080 }]);
    assert.equal(template.maxInstanceRequestConcurrency, 80);
    assert.equal(template.timeout, "300s");
    assert.deepEqual(template.scaling, { maxInstanceCount: 100 });
    assert.equal(template.serviceAccount, "123456789012-compute@developer.gserviceaccount.com");
    assert.deepEqual(filled.traffic, [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
  });

  it("server-filled fields alone are no change (re-run makes no call)", () => {
    assert.deepEqual(serviceChanges(filled as never, desired), []);
  });

  const changes: [string, Partial<DesiredService>, string[]][] = [
    ["a new image", { image: IMAGE_V2 }, ["image"]],
    ["another env value", { env: { GREETING: "hello" } }, ["env"]],
    ["one more env variable", { env: { GREETING: "hi", MODE: "a" } }, ["env"]],
    ["another ingress", { ingress: "internal" }, ["ingress (all -> internal)"]],
    ["another function entry point", { functionTarget: "other" }, ["function"]],
    [
      "a base image",
      { baseImage: "us-central1-docker.pkg.dev/serverless-runtimes/google-22/runtimes/python312" },
      ["base-image"],
    ],
  ];
  for (const [name, change, expected] of changes) {
    it(`${name} is exactly one change, whatever Cloud Run filled in`, () => {
      assert.deepEqual(serviceChanges(filled as never, { ...desired, ...change }), expected);
    });
  }

  it("a default the user changed in the console is not the deploy's business", () => {
    const edited = structuredClone(filled);
    const editedTemplate = edited.template as Json;
    editedTemplate.timeout = "900s";
    editedTemplate.maxInstanceRequestConcurrency = 10;
    assert.deepEqual(serviceChanges(edited as never, desired), []);
  });
});
