// cloud-run-deploy's service settings as a workflow runs them (runner harness, bundled action, the Google
// emulator, which refuses what Cloud Run refuses and keeps every field): each setting lands on the service
// as asked, a re-run changes nothing, changing one setting deploys it, env-update merge keeps what was set
// elsewhere and replace does not, labels set elsewhere always stay, secrets become references (as
// variables and as mounted files), VPC egress by network or connector, and a runtime service account the
// deployer may not act as is refused with the fix. Bad values are refused in process
// (cloud-run-settings-refusals.test.ts).
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CloudRunFixture, PROJECT, REGION, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { enumName } from "./emulators/gcp/proto-shape.ts";
import { addSecret } from "./emulators/gcp/secret-manager.ts";
import type { Json } from "./emulators/json.ts";
import { assertUserFailure, type Job } from "./runner/index.ts";
import { envOf as cliEnv, cliSandbox, flagsOf } from "./support/cli-process.ts";
import { stepPassed } from "./support/passed.ts";

let fx: CloudRunFixture;
let runtime: string;
before(async () => {
  fx = await startCloudRunFixture();
  runtime = fx.stack.gcp.addServiceAccount(PROJECT, "runtime-identity").email;
  fx.stack.gcp.allowActAs(runtime, `serviceAccount:${fx.deployer.email}`);
  // The secrets the services reference, readable by the runtime account and the default one.
  const number = fx.stack.gcp.state.projects.get(PROJECT)?.number;
  const accessors = [
    `serviceAccount:${runtime}`,
    `serviceAccount:${number}-compute@developer.gserviceaccount.com`,
  ];
  for (const [id, versions] of [
    ["api-key", 4],
    ["db-password", 2],
    ["other", 1],
  ] as const) {
    addSecret(fx.stack.gcp.state, PROJECT, id, { versions, accessors });
  }
  addSecret(fx.stack.gcp.state, PROJECT, "locked", { versions: 1, accessors: [] });
});
after(async () => {
  await fx?.close();
});

const recordOf = (service: string) => {
  const record = fx.stack.gcp.state.services.get(
    `projects/${PROJECT}/locations/${REGION}/services/${service}`,
  );
  assert.ok(record, `service ${service} exists`);
  return record;
};
const stored = (service: string): Json => recordOf(service).body;
const templateOf = (service: string) => stored(service).template as Json;
const containerOf = (service: string) => (templateOf(service).containers as Json[])[0] as Json;
const envOf = (service: string) =>
  Object.fromEntries(
    (containerOf(service).env as Json[]).map((entry) => [
      entry.name,
      entry.valueSource ? (entry.valueSource as { secretKeyRef: Json }).secretKeyRef : entry.value,
    ]),
  );
const egressOf = (vpc: Json) => enumName("google.cloud.run.v2.VpcAccess.VpcEgress", vpc.egress);

const ENV_FILE = "REGION_NAME: tokyo-east-zone\nRETRIES: 3\nDEBUG: false\nMODE: from-file\n";
const SETTINGS = {
  cpu: "2",
  memory: "1Gi",
  concurrency: "40",
  "min-instances": "1",
  "max-instances": "5",
  timeout: "10m",
  port: "9090",
  secrets: "API_KEY=api-key:3\n/secrets/db/password=db-password:latest, /secrets/db/user=db-password:2",
  labels: "team=payments, tier=gold",
  env: "MODE=prod",
  "env-file": "config/env.yaml",
  "vpc-network": "default",
  "vpc-subnet": "run-subnet",
  "vpc-egress": "all-traffic",
};

async function jobWithEnvFile(): Promise<Job> {
  const job = await fx.job();
  await mkdir(join(job.workspace, "config"));
  await writeFile(join(job.workspace, "config/env.yaml"), ENV_FILE);
  return job;
}

describe("cloud-run-deploy: service settings", () => {
  it("each setting lands on the service as asked; the same run again changes nothing; changing one deploys it alone", async () => {
    await using job = await jobWithEnvFile();
    const inputs = fx.deployInputs("settings-fn", {
      ...SETTINGS,
      "runtime-service-account": runtime,
      "run-label": "settings-run-1",
    });
    const first = await stepPassed(job, "cloud-run-deploy", inputs);
    assert.equal(first.outputs.changed, "true");
    assert.doesNotMatch(first.stdout, /tokyo-east-zone/, "env values stay out of the log");
    const template = templateOf("settings-fn");
    const container = containerOf("settings-fn");
    assert.equal(template.serviceAccount, runtime);
    assert.deepEqual(container.resources, { cpuIdle: true, limits: { cpu: "2", memory: "1Gi" } });
    assert.equal(template.maxInstanceRequestConcurrency, 40);
    assert.deepEqual(template.scaling, { minInstanceCount: 1, maxInstanceCount: 5 });
    assert.equal(template.timeout, "600s");
    assert.deepEqual(container.ports, [{ name: "http1", containerPort: 9090 }]);
    assert.deepEqual(envOf("settings-fn"), {
      MODE: "prod",
      REGION_NAME: "tokyo-east-zone",
      RETRIES: "3",
      DEBUG: "false",
      API_KEY: { secret: "api-key", version: "3" },
    });
    const [volume, ...moreVolumes] = template.volumes as Json[];
    assert.deepEqual(moreVolumes, []);
    assert.deepEqual(volume?.secret, {
      secret: "db-password",
      items: [
        { path: "password", version: "latest" },
        { path: "user", version: "2" },
      ],
    });
    assert.deepEqual(container.volumeMounts, [{ name: volume?.name, mountPath: "/secrets/db" }]);
    const labels = stored("settings-fn").labels as Record<string, string>;
    assert.equal(labels.team, "payments");
    assert.equal(labels.tier, "gold");
    assert.equal(labels["fngate-run"], "settings-run-1", "fngate's own run label next to the user's");
    const vpc = template.vpcAccess as Json;
    assert.equal(egressOf(vpc), "ALL_TRAFFIC");
    assert.deepEqual(vpc.networkInterfaces, [{ network: "default", subnetwork: "run-subnet" }]);

    const before = fx.mutatingCalls();
    const again = await stepPassed(job, "cloud-run-deploy", inputs);
    assert.equal(again.outputs.changed, "false");
    assert.match(again.stdout, /already has this image and settings: nothing to change/);
    assert.equal(fx.mutatingCalls(), before, "no mutating call on a re-run");

    const revisions = recordOf("settings-fn").revisions;
    const run = await stepPassed(job, "cloud-run-deploy", { ...inputs, "max-instances": "7" });
    assert.equal(run.outputs.changed, "true");
    assert.match(run.stdout, /Updating service \S+settings-fn: max-instances\./);
    assert.deepEqual(templateOf("settings-fn").scaling, { minInstanceCount: 1, maxInstanceCount: 7 });
    assert.equal(templateOf("settings-fn").maxInstanceRequestConcurrency, 40);
    assert.equal(recordOf("settings-fn").revisions, revisions + 1);
  });

  it("env-update merge keeps variables and labels set elsewhere; replace drops the variables, never the labels", async () => {
    await using job = await jobWithEnvFile();
    const base = { ...SETTINGS, "runtime-service-account": runtime };
    await stepPassed(job, "cloud-run-deploy", fx.deployInputs("merge-fn", base));
    // Set outside fngate (the console, gcloud, another workflow).
    const body = stored("merge-fn");
    body.labels = { ...(body.labels as Json), owner: "ops" };
    (containerOf("merge-fn").env as Json[]).push(
      { name: "OUTSIDE", value: "1" },
      { name: "OUTSIDE_SECRET", valueSource: { secretKeyRef: { secret: "other", version: "1" } } },
    );

    const merged = await stepPassed(
      job,
      "cloud-run-deploy",
      fx.deployInputs("merge-fn", { "env-update": "merge", env: "MODE=staging", labels: "tier=silver" }),
    );
    assert.match(merged.stdout, /Updating service \S+merge-fn: env, labels\./);
    assert.deepEqual(envOf("merge-fn"), {
      MODE: "staging",
      REGION_NAME: "tokyo-east-zone",
      RETRIES: "3",
      DEBUG: "false",
      API_KEY: { secret: "api-key", version: "3" },
      OUTSIDE: "1",
      OUTSIDE_SECRET: { secret: "other", version: "1" },
    });
    const labels = stored("merge-fn").labels as Record<string, string>;
    assert.deepEqual([labels.owner, labels.team, labels.tier], ["ops", "payments", "silver"]);

    await stepPassed(job, "cloud-run-deploy", fx.deployInputs("merge-fn", { env: "MODE=prod" }));
    assert.deepEqual(envOf("merge-fn"), {
      MODE: "prod",
      API_KEY: { secret: "api-key", version: "3" },
      OUTSIDE_SECRET: { secret: "other", version: "1" },
    });
    assert.equal((stored("merge-fn").labels as Json).owner, "ops", "labels set elsewhere stay");

    // secrets given under replace lists every Secret Manager reference: the mounted files go too.
    const replaced = await stepPassed(
      job,
      "cloud-run-deploy",
      fx.deployInputs("merge-fn", { env: "MODE=prod", secrets: "API_KEY=api-key:4" }),
    );
    assert.match(replaced.stdout, /Updating service \S+merge-fn: secrets, secret files\./);
    assert.deepEqual(envOf("merge-fn"), { MODE: "prod", API_KEY: { secret: "api-key", version: "4" } });
    assert.deepEqual(templateOf("merge-fn").volumes ?? [], []);
    assert.deepEqual(containerOf("merge-fn").volumeMounts ?? [], []);
  });

  it("a connector given by name is the service region's connector", async () => {
    await using job = await fx.job();
    await stepPassed(
      job,
      "cloud-run-deploy",
      fx.deployInputs("connector-fn", { "vpc-connector": "run-connector" }),
    );
    const vpc = templateOf("connector-fn").vpcAccess as Json;
    assert.equal(vpc.connector, `projects/${PROJECT}/locations/${REGION}/connectors/run-connector`);
    assert.equal(egressOf(vpc), "PRIVATE_RANGES_ONLY");
  });

  it("a secret the runtime account may not read: refused with the role to grant", async () => {
    await using job = await fx.job();
    const before = fx.mutatingCalls();
    const run = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("locked-fn", { "runtime-service-account": runtime, secrets: "TOKEN=locked:1" }),
    });
    assertUserFailure(
      run,
      `the runtime service account ${runtime} may not read secret projects/${PROJECT}/secrets/locked (version 1), which secrets references: grant it roles/secretmanager.secretAccessor on the secret (gcloud secrets add-iam-policy-binding locked --member serviceAccount:${runtime} --role roles/secretmanager.secretAccessor), or fix secrets or runtime-service-account.`,
    );
    assert.equal(fx.mutatingCalls(), before, "nothing deployed");
  });

  it("a runtime service account the deployer may not act as: refused with the grant to add", async () => {
    await using job = await fx.job();
    const before = fx.mutatingCalls();
    const run = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("act-as-fn", { "runtime-service-account": fx.caller.email }),
    });
    assertUserFailure(
      run,
      `${fx.deployer.email} may not deploy a service that runs as ${fx.caller.email} (Permission 'iam.serviceaccounts.actAs' denied on service account ${fx.caller.email} (or it may not exist).): check runtime-service-account names an existing account, and grant the deployer roles/iam.serviceAccountUser on it (gcloud iam service-accounts add-iam-policy-binding ${fx.caller.email} --member serviceAccount:${fx.deployer.email} --role roles/iam.serviceAccountUser).`,
    );
    assert.equal(fx.mutatingCalls(), before, "nothing deployed");
  });

  it("the pipeline action and `fngate cloud-run-deploy` take the same settings: the command's run changes nothing", async () => {
    await using job = await fx.job();
    const settings = {
      cpu: "2",
      memory: "2Gi",
      labels: "team=pipeline",
      secrets: "API_KEY=api-key:1",
      "env-update": "merge",
    };
    const open = {
      project: PROJECT,
      region: REGION,
      service: "pipeline-settings-fn",
      image: fx.deployInputs("x").image ?? "",
    };
    const piped = await job.run("cloud-run-pipeline", {
      inputs: {
        ...open,
        ...settings,
        "expect-body": "Hello World!",
        "credentials-json": fx.deployer.json,
        "invoker-credentials-json": fx.caller.json,
      },
    });
    assert.equal(piped.exitCode, 0, piped.stdout + piped.stderr);
    assert.deepEqual((containerOf("pipeline-settings-fn").resources as Json).limits, {
      cpu: "2",
      memory: "2Gi",
    });
    assert.equal((stored("pipeline-settings-fn").labels as Json).team, "pipeline");
    assert.deepEqual(envOf("pipeline-settings-fn").API_KEY, { secret: "api-key", version: "1" });

    await using sandbox = await cliSandbox({
      NODE_EXTRA_CA_CERTS: fx.stack.caFile,
      FNGATE_GCP_ENDPOINT: fx.stack.gcp.url,
    });
    const before = fx.mutatingCalls();
    const cli = await sandbox.run(
      [
        "cloud-run-deploy",
        ...flagsOf({ ...open, ...settings, invokers: `serviceAccount:${fx.caller.email}` }),
        "--json",
      ],
      cliEnv({ "credentials-json": fx.deployer.json }),
    );
    assert.equal(cli.exitCode, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { outputs: Json }).outputs.changed, "false");
    assert.equal(fx.mutatingCalls(), before);
  });
});
