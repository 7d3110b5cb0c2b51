// The pure decisions behind cloud-run-deploy: what differs on a service (enums arrive as names or
// numbers), and how invokers merge into an IAM policy without dropping anyone else.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { baseImageUri } from "../src/gcp/base-image.ts";
import { googleEndpoints } from "../src/gcp/google-endpoints.ts";
import { planInvokers } from "../src/gcp/invoker-policy.ts";
import { type DesiredService, serviceChanges, serviceToSend } from "../src/gcp/service-spec.ts";

const desired: DesiredService = {
  name: "projects/p/locations/r/services/s",
  image: "host/repo/img:1",
  ingress: "internal",
  env: { A: "1" },
};
const live = (ingress: unknown, extra: Record<string, unknown> = {}) =>
  ({
    ingress,
    invokerIamDisabled: false,
    template: {
      containers: [{ image: "host/repo/img:1", env: [{ name: "A", value: "1" }], baseImageUri: "" }],
    },
    buildConfig: null,
    ...extra,
  }) as never;

describe("serviceChanges", () => {
  const cases: [string, unknown, string[]][] = [
    ["the enum name", "INGRESS_TRAFFIC_INTERNAL_ONLY", []],
    ["the enum number", 2, []],
    ["another ingress by number", 1, ["ingress (all -> internal)"]],
    ["unspecified, which Cloud Run applies as all", 0, ["ingress (all -> internal)"]],
  ];
  for (const [name, ingress, expected] of cases) {
    it(`ingress given as ${name}`, () => assert.deepEqual(serviceChanges(live(ingress), desired), expected));
  }

  it("sees image, env, invokerIamDisabled, function and base image", () => {
    const changed = serviceChanges(live(2, { invokerIamDisabled: true }), {
      ...desired,
      image: "host/repo/img:2",
      env: { A: "2" },
      functionTarget: "hello_http",
      baseImage: "python312",
    });
    assert.deepEqual(changed, [
      "image",
      "env",
      "invokerIamDisabled (true -> false)",
      "function",
      "base-image",
    ]);
  });

  it("function sets FUNCTION_TARGET, which the env input then does not manage", () => {
    const withTarget = live(2, {
      template: {
        containers: [
          {
            image: "host/repo/img:1",
            env: [
              { name: "A", value: "1" },
              { name: "FUNCTION_TARGET", value: "hello_http" },
            ],
          },
        ],
      },
    });
    assert.deepEqual(serviceChanges(withTarget, { ...desired, functionTarget: "hello_http" }), []);
    assert.deepEqual(serviceChanges(withTarget, { ...desired, functionTarget: "other" }), ["function"]);
    const sent = serviceToSend(withTarget, { ...desired, functionTarget: "other" });
    assert.deepEqual(sent.template?.containers?.[0]?.env, [
      { name: "A", value: "1" },
      { name: "FUNCTION_TARGET", value: "other" },
    ]);
  });

  it("leaves env alone when the input is unset, and keeps Secret Manager variables", () => {
    const { env: _env, ...noEnv } = desired;
    assert.deepEqual(
      serviceChanges(live(2, { template: { containers: [{ image: "host/repo/img:1" }] } }), noEnv),
      [],
    );
    const secretVar = { name: "TOKEN", valueSource: { secretKeyRef: { secret: "t", version: "1" } } };
    const sent = serviceToSend(
      live(2, { template: { containers: [{ image: "old", env: [{ name: "A", value: "0" }, secretVar] }] } }),
      desired,
    );
    assert.deepEqual(sent.template?.containers?.[0]?.env, [{ name: "A", value: "1" }, secretVar]);
    assert.equal(sent.invokerIamDisabled, false);
    assert.equal(sent.ingress, "INGRESS_TRAFFIC_INTERNAL_ONLY");
  });
});

describe("planInvokers", () => {
  const other = { role: "roles/run.developer", members: ["group:devs@example.com"] };
  it("adds to the existing binding and keeps everyone else", () => {
    const plan = planInvokers(
      { etag: "e", bindings: [{ role: "roles/run.invoker", members: ["user:a@x.com"] }, other] },
      ["serviceAccount:c@p.iam.gserviceaccount.com"],
      false,
    );
    assert.deepEqual(plan.added, ["serviceAccount:c@p.iam.gserviceaccount.com"]);
    assert.deepEqual(plan.policy?.bindings, [
      { role: "roles/run.invoker", members: ["user:a@x.com", "serviceAccount:c@p.iam.gserviceaccount.com"] },
      other,
    ]);
    assert.equal(plan.policy?.etag, "e", "written with the etag it was read with");
  });
  it("writes nothing when everything is granted", () => {
    const plan = planInvokers(
      { bindings: [{ role: "roles/run.invoker", members: ["user:a@x.com"] }] },
      ["user:a@x.com"],
      false,
    );
    assert.equal(plan.policy, undefined);
  });
  it("allUsers only when asked by name; taken off otherwise, leaving conditional bindings alone", () => {
    const conditional = {
      role: "roles/run.invoker",
      members: ["allUsers"],
      condition: { expression: "true" },
    };
    assert.deepEqual(planInvokers({ bindings: [] }, [], true).added, ["allUsers"]);
    const closing = planInvokers(
      { bindings: [{ role: "roles/run.invoker", members: ["allUsers", "user:a@x.com"] }, conditional] },
      [],
      false,
    );
    assert.deepEqual(closing.removed, ["allUsers"]);
    assert.deepEqual(closing.policy?.bindings, [
      { role: "roles/run.invoker", members: ["user:a@x.com"] },
      conditional,
    ]);
  });
});

describe("googleEndpoints", () => {
  it("one override serves every Google API the actions call", () => {
    assert.deepEqual(googleEndpoints("https://gcp.internal:8443"), {
      runApiEndpoint: "gcp.internal",
      runApiPort: 8443,
      stsTokenUrl: "https://gcp.internal:8443/sts/v1/token",
      iamCredentials: "https://gcp.internal:8443/iamcredentials",
      oauth2TokenUrl: "https://gcp.internal:8443/oauth2/token",
      iam: "https://gcp.internal:8443/iam",
      artifactRegistry: "https://gcp.internal:8443/artifactregistry",
    });
    assert.equal(googleEndpoints(undefined).stsTokenUrl, "https://sts.googleapis.com/v1/token");
    assert.throws(() => googleEndpoints("http://gcp.internal"), /must be an https:\/\/ URL without a path/);
  });
});

describe("baseImageUri", () => {
  const cases: Record<string, string> = {
    python312: "asia-northeast1-docker.pkg.dev/serverless-runtimes/google-22/runtimes/python312",
    nodejs24: "asia-northeast1-docker.pkg.dev/serverless-runtimes/google-24/runtimes/nodejs24",
    "google-22-full/python312":
      "asia-northeast1-docker.pkg.dev/serverless-runtimes/google-22-full/runtimes/python312",
    "us-central1-docker.pkg.dev/serverless-runtimes/google-22/runtimes/nodejs22":
      "us-central1-docker.pkg.dev/serverless-runtimes/google-22/runtimes/nodejs22",
  };
  for (const [given, expected] of Object.entries(cases)) {
    it(`${given} as gcloud's --base-image takes it`, () =>
      assert.equal(baseImageUri(given, "asia-northeast1"), expected));
  }
  it("refuses anything else, naming the forms", () => {
    assert.throws(
      () => baseImageUri("Python 3.12", "asia-northeast1"),
      /^UserError: base-image "Python 3.12" is not a base image: use a runtime ID/,
    );
  });
});
