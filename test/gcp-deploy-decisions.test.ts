// The pure decisions behind cloud-run-deploy: what differs on a service (enums arrive as names or
// numbers), and how invokers merge into an IAM policy without dropping anyone else. Cloud Run answers
// services.get with defaults the deploy never sent (resource limits, port, concurrency, timeout, scaling,
// service account, traffic): which of them count as unchanged and which real changes still make exactly
// one update. Through the bundled action (an update keeps what it does not manage):
// cloud-run-cloud-rules.test.ts. And the image: which registry host cloud-run-deploy logs in to with the
// deployer's access token, and what a Dockerfile's final stage is built from (base-image needs FROM scratch).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { finalBase } from "../src/docker/dockerfile-stages.ts";
import { baseImageUri, checkBaseImageBuild } from "../src/gcp/base-image.ts";
import { googleEndpoints } from "../src/gcp/google-endpoints.ts";
import { planInvokers } from "../src/gcp/invoker-policy.ts";
import { checkRegistryLogin, registryLoginHost } from "../src/gcp/registry-login-host.ts";
import { type DesiredService, serviceChanges, serviceToSend } from "../src/gcp/service-spec.ts";
import { IMAGE, IMAGE_V2, PROJECT, REGION } from "./emulators/gcp/fixture.ts";
import { withServiceDefaults } from "./emulators/gcp/run-admin-server-defaults.ts";

type Json = Record<string, unknown>;

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
  // Anything else is refused: cloud-run-bad-input.test.ts, "a base image that is no runtime".
});

const asSent: DesiredService = {
  name: `projects/${PROJECT}/locations/${REGION}/services/s`,
  image: IMAGE,
  ingress: "all",
  env: { GREETING: "hi" },
  functionTarget: "hello_http",
};

describe("Cloud Run server defaults: what counts as a change", () => {
  // What services.get shows after the deploy created the service from `asSent`.
  const filled = withServiceDefaults(serviceToSend(undefined, asSent) as Json, "123456789012") as Json;
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
    assert.deepEqual(serviceChanges(filled as never, asSent), []);
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
      assert.deepEqual(serviceChanges(filled as never, { ...asSent, ...change }), expected);
    });
  }
});

describe("registry login host", () => {
  const cases: [string, "auto" | "always" | "never", string | undefined][] = [
    ["asia-northeast1-docker.pkg.dev/p/r/i:1", "auto", "asia-northeast1-docker.pkg.dev"],
    ["us-docker.pkg.dev/p/r/i:1", "auto", "us-docker.pkg.dev"],
    ["gcr.io/p/i:1", "auto", "gcr.io"],
    ["eu.gcr.io/p/i:1", "auto", "eu.gcr.io"],
    ["ghcr.io/o/i:1", "auto", undefined],
    ["docker.pkg.dev.example.com/p/i:1", "auto", undefined],
    ["127.0.0.1:5000/p/i:1", "auto", undefined],
    ["127.0.0.1:5000/p/i:1", "always", "127.0.0.1:5000"],
    ["asia-northeast1-docker.pkg.dev/p/r/i:1", "never", undefined],
  ];
  for (const [image, mode, host] of cases) {
    it(`${mode} ${image} -> ${host ?? "no login"}`, () => assert.equal(registryLoginHost(image, mode), host));
  }
  it("refuses anything but auto, always and never", () => {
    assert.equal(checkRegistryLogin(undefined), "auto");
    assert.throws(
      () => checkRegistryLogin("true"),
      /^UserError: registry-login must be auto .* got "true"\.$/,
    );
  });
});

describe("a Dockerfile's final stage", () => {
  const cases: [string, ReturnType<typeof finalBase>][] = [
    ["FROM scratch\nCOPY app /app\n", { kind: "scratch" }],
    ["FROM node:22 AS build\nRUN npm ci\nFROM scratch\nCOPY --from=build /app /app\n", { kind: "scratch" }],
    ["from --platform=linux/amd64 python:3.12 as app\n", { kind: "image", from: "python:3.12" }],
    ["FROM scratch AS base\nFROM base AS final\nCOPY x /x\nFROM final\n", { kind: "scratch" }],
    [
      "# comment\nFROM \\\n  gcr.io/distroless/nodejs22\n",
      { kind: "image", from: "gcr.io/distroless/nodejs22" },
    ],
    ["ARG BASE=scratch\nFROM $BASE\n", { kind: "unknown", from: "$BASE" }],
    ["RUN echo no from\n", undefined],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text.slice(0, 50)), () => assert.deepEqual(finalBase(text), expected));
  }

  // Another final stage is refused: cloud-run-cloud-rules.test.ts, "a Dockerfile whose final stage ...".
  it("base-image: scratch passes, an ARG one warns", () => {
    assert.equal(checkBaseImageBuild("Dockerfile", "FROM scratch\n"), undefined);
    assert.match(
      checkBaseImageBuild("Dockerfile", "ARG B\nFROM $B\n") ?? "",
      /^base-image is set and Dockerfile's final stage is FROM \$B, which depends on a build argument/,
    );
  });
});
