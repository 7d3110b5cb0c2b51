// The decisions behind cloud-run-deploy's service settings, in process: the no-op comparison reads the
// service as the client returns it (int64 seconds as text, enums as numbers, Cloud Run's own spelling of
// cpu and memory) and names the one setting that changed; secret files meet the volumes already there
// (merge, replace, sidecars, re-run); and the emulator refuses what Cloud Run refuses, so a deploy that
// skipped a check would fail there too.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mountedSecretFiles, volumesToSend } from "../src/gcp/service-secret-files.ts";
import type { ServiceSettings } from "../src/gcp/service-settings.ts";
import { type DesiredService, serviceChanges } from "../src/gcp/service-spec.ts";
import { IMAGE, PROJECT, REGION } from "./emulators/gcp/fixture.ts";
import { withServiceDefaults } from "./emulators/gcp/run-admin-server-defaults.ts";
import { addSecret } from "./emulators/gcp/secret-manager.ts";
import { templateProblem } from "./emulators/gcp/service-template.ts";
import { GcpState } from "./emulators/gcp/state.ts";
import type { Json } from "./emulators/json.ts";

describe("no-op detection reads the service as the client returns it", () => {
  // Cloud Run's answer: its own spelling of cpu/memory, int64 seconds as text, enums as numbers.
  const live = () =>
    ({
      name: `projects/${PROJECT}/locations/${REGION}/services/settings-fn`,
      ingress: 1,
      labels: { team: "payments", owner: "ops" },
      template: {
        serviceAccount: `runtime@${PROJECT}.iam.gserviceaccount.com`,
        maxInstanceRequestConcurrency: 40,
        timeout: { seconds: "600", nanos: 0 },
        scaling: { minInstanceCount: 1, maxInstanceCount: 5 },
        vpcAccess: {
          egress: 1,
          networkInterfaces: [{ network: "default", subnetwork: "run-subnet", tags: [] }],
        },
        containers: [
          {
            image: IMAGE,
            resources: { cpuIdle: true, limits: { cpu: "2000m", memory: "1024Mi" } },
            ports: [{ name: "http1", containerPort: 9090 }],
          },
        ],
      },
    }) as never;
  const settings: ServiceSettings = {
    envUpdate: "replace",
    runtimeServiceAccount: `runtime@${PROJECT}.iam.gserviceaccount.com`,
    cpu: "2",
    memory: "1Gi",
    concurrency: 40,
    minInstances: 1,
    maxInstances: 5,
    timeoutSeconds: 600,
    port: 9090,
    labels: { team: "payments" },
    vpc: { network: "default", subnet: "run-subnet", egress: "all-traffic" },
  };
  const desired = (changed: Partial<ServiceSettings> = {}): DesiredService => ({
    name: `projects/${PROJECT}/locations/${REGION}/services/settings-fn`,
    image: IMAGE,
    ingress: "all",
    settings: { ...settings, ...changed },
  });
  it("the same settings: nothing to change", () => assert.deepEqual(serviceChanges(live(), desired()), []));
  const one: [Partial<ServiceSettings>, string][] = [
    [{ runtimeServiceAccount: `other@${PROJECT}.iam.gserviceaccount.com` }, "runtime-service-account"],
    [{ cpu: "4" }, "cpu"],
    [{ memory: "2Gi" }, "memory"],
    [{ concurrency: 20 }, "concurrency"],
    [{ minInstances: 0 }, "min-instances"],
    [{ maxInstances: 9 }, "max-instances"],
    [{ timeoutSeconds: 60 }, "timeout"],
    [{ port: 8080 }, "port"],
    [{ labels: { team: "other" } }, "labels"],
    [{ vpc: { network: "default", subnet: "run-subnet" } }, "vpc"],
    [{ secretEnv: { KEY: { secret: "k", version: "1" } } }, "secrets"],
    [{ secretFiles: { "/s/k": { secret: "k", version: "1" } } }, "secret files"],
  ];
  for (const [change, name] of one) {
    it(`${name} changed: that one is named`, () =>
      assert.deepEqual(serviceChanges(live(), desired(change)), [name]));
  }
  it("a label set elsewhere is no change, and stays", () =>
    assert.deepEqual(serviceChanges(live(), desired({ labels: {} })), []));
});

describe("the emulator refuses templates Cloud Run refuses", () => {
  const state = new GcpState();
  const compute = `serviceAccount:${state.addProject(PROJECT).number}-compute@developer.gserviceaccount.com`;
  addSecret(state, PROJECT, "readable", { versions: 2, accessors: [compute], aliases: { prod: "2" } });
  addSecret(state, PROJECT, "locked", { versions: 1, accessors: [] });
  const call = { state, project: PROJECT, region: REGION, members: ["serviceAccount:deployer@x"] };
  const secretEnv = (secret: string, version: string) =>
    withTemplate({}, { env: [{ name: "K", valueSource: { secretKeyRef: { secret, version } } }] });
  const withTemplate = (template: Json, container: Json = {}): Json => ({
    template: { ...template, containers: [{ image: IMAGE, ...container }] },
  });
  const rows: [string, Json, RegExp][] = [
    ["3 CPUs", withTemplate({}, { resources: { limits: { cpu: "3" } } }), /Invalid value specified for cpu/],
    [
      "half a CPU at concurrency 80",
      withTemplate({ maxInstanceRequestConcurrency: 80 }, { resources: { limits: { cpu: "0.5" } } }),
      /concurrency > 1/,
    ],
    [
      "16Gi on 2 CPUs",
      withTemplate({}, { resources: { limits: { cpu: "2", memory: "16Gi" } } }),
      /requires at least 4 CPU/,
    ],
    ["a timeout of 2 hours", withTemplate({ timeout: "7200s" }), /between 1s and 3600s/],
    [
      "min above max",
      withTemplate({ scaling: { minInstanceCount: 3, maxInstanceCount: 2 } }),
      /less than or equal/,
    ],
    [
      "two ports",
      withTemplate({}, { ports: [{ containerPort: 1 }, { containerPort: 2 }] }),
      /at most one port/,
    ],
    [
      "a secret env without version",
      withTemplate({}, { env: [{ name: "K", valueSource: { secretKeyRef: { secret: "s" } } }] }),
      /invalid secretKeyRef/,
    ],
    [
      "a mount under /proc",
      withTemplate(
        { volumes: [{ name: "v", secret: { secret: "s" } }] },
        { volumeMounts: [{ name: "v", mountPath: "/proc/x" }] },
      ),
      /reserved/,
    ],
    [
      "a connector and a network",
      withTemplate({
        vpcAccess: {
          connector: `projects/${PROJECT}/locations/${REGION}/connectors/c`,
          networkInterfaces: [{ network: "n" }],
        },
      }),
      /mutually exclusive/,
    ],
    ["a secret that does not exist", secretEnv("missing", "1"), /^Permission denied on secret: /],
    [
      "a version that does not exist",
      secretEnv("readable", "3"),
      /^Secret projects\/my-project-123\/secrets\/readable\/versions\/3 was not found\.$/,
    ],
    [
      "a mounted secret the runtime account may not read",
      withTemplate(
        { volumes: [{ name: "v", secret: { secret: "locked", items: [{ path: "k", version: "latest" }] } }] },
        { volumeMounts: [{ name: "v", mountPath: "/s" }] },
      ),
      /^Permission denied on secret: projects\/my-project-123\/secrets\/locked\/versions\/latest /,
    ],
  ];
  // An account the caller may not act as, and a secret the runtime account may not read, as the deploy
  // meets them: cloud-run-settings.test.ts (the first with Google's words in the line).
  for (const [name, body, message] of rows) {
    it(name, () => assert.match(templateProblem(body, call)?.message ?? "accepted", message));
  }
  it("readable secrets by version, alias, latest, or by the project's number: taken", () => {
    for (const [secret, version] of [
      ["readable", "2"],
      ["readable", "prod"],
      ["readable", "latest"],
      [`projects/${state.projects.get(PROJECT)?.number}/secrets/readable`, "1"],
    ] as const) {
      assert.equal(templateProblem(secretEnv(secret, version), call), undefined, `${secret}:${version}`);
    }
  });
  it("the project's default compute account needs no grant", () => {
    const number = state.projects.get(PROJECT)?.number;
    assert.equal(
      templateProblem(
        withTemplate({ serviceAccount: `${number}-compute@developer.gserviceaccount.com` }),
        call,
      ),
      undefined,
    );
  });
});

describe("secret files meet the volumes already on the service", () => {
  const current = {
    volumes: [
      { name: "outside", secret: { secret: "other", items: [{ path: "k", version: "1" }] } },
      { name: "sql", cloudSqlInstance: { instances: ["p:r:i"] } },
      { name: "shared", secret: { secret: "shared", items: [{ path: "s", version: "1" }] } },
    ],
    mounts: [
      { name: "outside", mountPath: "/outside" },
      { name: "sql", mountPath: "/cloudsql" },
      { name: "shared", mountPath: "/shared" },
    ],
  };
  const files = { "/secrets/db/password": { secret: "db", version: "2" } };
  const names = (state: { volumes: { name?: string | null }[] }) =>
    state.volumes.map((volume) => volume.name);
  it("merge adds the folder and keeps every other mount", () => {
    const next = volumesToSend(current, { files, update: "merge" });
    assert.deepEqual(mountedSecretFiles(next), [
      "/outside/k=other:1",
      "/secrets/db/password=db:2",
      "/shared/s=shared:1",
    ]);
    assert.ok(names(next).includes("sql"));
  });
  it("replace drops secret mounts not listed, keeps Cloud SQL and what a sidecar mounts", () => {
    const next = volumesToSend(current, { files, update: "replace" }, new Set(["shared"]));
    assert.deepEqual(mountedSecretFiles(next), ["/secrets/db/password=db:2"]);
    assert.deepEqual(
      names(next).filter((name) => !name?.startsWith("secret-")),
      ["sql", "shared"],
      "the unlisted secret volume is gone; Cloud SQL and the sidecar's stay",
    );
  });
  it("the same files again: the same volumes (a re-run changes nothing)", () => {
    const once = volumesToSend(current, { files, update: "merge" });
    assert.deepEqual(volumesToSend(once, { files, update: "merge" }), once);
  });
});

describe("the emulator fills in what Cloud Run fills in for a fraction of a CPU", () => {
  it("concurrency 1 below 1 CPU, 80 from 1 CPU", () => {
    const body = (cpu: string): Json => ({
      template: { containers: [{ image: IMAGE, resources: { limits: { cpu } } }] },
    });
    const stored = (cpu: string) =>
      (withServiceDefaults(body(cpu), "1").template as Json).maxInstanceRequestConcurrency;
    assert.deepEqual([stored("500m"), stored("0.5"), stored("1"), stored("2000m")], [1, 1, 80, 80]);
  });
});
