// The preflight action's and CLI's Google checks (cloud: cloud-run), run as a workflow and a CI job run
// them, against the Google emulator: the access token, the project and region, the Cloud Run Admin API
// (SERVICE_DISABLED), acting as the runtime service account and the image's Artifact Registry
// repository with push permission. Each is shown satisfied and unsatisfied with its fix, blocking only
// what would surely fail the deploy, and no run makes a single mutating call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type CloudRunFixture, PROJECT, REGION, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { assertCliFailure, assertUserFailure, type Job, type StepResult } from "./runner/index.ts";
import { cliSandbox } from "./support/cli-process.ts";
import {
  BLOCKED,
  expectRow,
  type PreflightRow as Row,
  statusesOf as statuses,
} from "./support/preflight-world.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

const DISABLED_PROJECT = "run-off-project";
const IMAGE = `${REGION}-docker.pkg.dev/${PROJECT}/functions/hello-http:1`;
/** Every check satisfied, in order. */
const ALL_OK = [
  "ok Google credentials give an access token",
  "ok Google project and region",
  "ok Cloud Run Admin API enabled",
  "ok deployer may act as the runtime service account",
  "ok Artifact Registry repository",
  "ok deployer may push to the repository",
];

let fx: CloudRunFixture;
let job: Job;
let runtime: string;
let stranger: string;

before(async () => {
  fx = await startCloudRunFixture();
  const { gcp } = fx.stack;
  gcp.addRepository(PROJECT, REGION, "functions");
  gcp.addRepository(PROJECT, REGION, "maven-libs", "MAVEN");
  runtime = gcp.addServiceAccount(PROJECT, "runtime").email;
  stranger = gcp.addServiceAccount(PROJECT, "stranger").email;
  gcp.allowActAs(runtime, `serviceAccount:${fx.deployer.email}`);
  gcp.addProject(DISABLED_PROJECT);
  gcp.grantRunAdmin(DISABLED_PROJECT, `serviceAccount:${fx.deployer.email}`);
  gcp.disableService(DISABLED_PROJECT, "run.googleapis.com");
  job = await fx.job();
});
after(async () => {
  await job?.dispose();
  await fx?.close();
});

/** cloud-run-deploy's inputs as a workflow hands them to preflight: keyless, as the deployer. */
function inputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    cloud: "cloud-run",
    project: PROJECT,
    region: REGION,
    image: IMAGE,
    "runtime-service-account": runtime,
    "workload-identity-provider": fx.provider,
    "service-account": fx.deployer.email,
    ...overrides,
  };
}

async function preflight(given: Record<string, string>): Promise<{ run: StepResult; rows: Row[] }> {
  const before = fx.mutatingCalls();
  const requests = fx.stack.gcp.state.requests.length;
  const run = await job.run("preflight", { inputs: given });
  assert.equal(fx.mutatingCalls(), before, "preflight made a mutating Google call");
  // Every Cloud call it made only read (GET, or a testIamPermissions POST).
  for (const request of fx.stack.gcp.state.requests.slice(requests)) {
    if (/^\/(v2|iam|artifactregistry)\//.test(request.path))
      assert.ok(request.method === "GET" || request.path.includes(":testIamPermissions"), request.path);
  }
  return { run, rows: JSON.parse(run.outputs.results ?? "[]") as Row[] };
}

describe("preflight: Google checks (cloud: cloud-run), through the built action", () => {
  it("every check satisfied: one ok row each in the log, the summary and the results, nothing changed", async () => {
    const { run, rows } = await preflight(inputs());
    assert.equal(run.exitCode, 0, run.stdout);
    assert.deepEqual(statuses(rows), ALL_OK);
    assert.deepEqual([run.outputs.blocked, run.outputs.warnings], ["false", "0"]);
    expectRow(rows, "Artifact Registry repository", "ok", {
      detail: `${REGION}-docker.pkg.dev/${PROJECT}/functions (Docker)`,
    });
    for (const r of rows) assert.ok(run.stdout.includes(`ok      ${r.check}: ${r.detail}`), r.check);
    assert.equal(run.summary.match(/✅ ok/g)?.length, 6);
    const secrets = [fx.deployer.json, ...fx.stack.gcp.state.tokens.keys()];
    assert.deepEqual(secretsFound(visibleOutput(run.stdout) + run.stderr + run.summary, secrets), []);
  });

  it("no actAs, an unknown runtime account, a refused IAM answer and no push permission are warnings with their fixes", async () => {
    const noActAs = await preflight(inputs({ "runtime-service-account": stranger }));
    assert.equal(noActAs.run.exitCode, 0, noActAs.run.stdout);
    expectRow(noActAs.rows, "deployer may act as the runtime service account", "missing", {
      detail: /lacks iam\.serviceAccounts\.actAs on stranger@/,
      fix: `gcloud iam service-accounts add-iam-policy-binding ${stranger} --project ${PROJECT} --member serviceAccount:${fx.deployer.email} --role roles/iam.serviceAccountUser`,
    });
    assert.deepEqual([noActAs.run.outputs.blocked, noActAs.run.outputs.warnings], ["false", "1"]);
    assert.ok(
      noActAs.run.annotations.some(
        (a) => a.level === "warning" && a.message.includes("deployer may act as the runtime service account"),
      ),
    );

    const unknown = await preflight(
      inputs({ "runtime-service-account": `ghost@${PROJECT}.iam.gserviceaccount.com` }),
    );
    expectRow(unknown.rows, "deployer may act as the runtime service account", "missing", {
      detail: /ghost@.* does not exist/,
    });

    fx.stack.gcp.state.faults.next(1, { status: 403 }, /^\/iam\/v1\//);
    const refused = await preflight(inputs());
    assert.equal(refused.run.exitCode, 0, refused.run.stdout);
    expectRow(refused.rows, "deployer may act as the runtime service account", "cannot tell", {
      detail: /IAM refused to tell .* \(403/,
      fix: /roles\/iam\.serviceAccountUser/,
    });

    // The caller has a key but no grants: it cannot read the repository nor push to it.
    const outsider = await preflight({
      cloud: "cloud-run",
      project: PROJECT,
      region: REGION,
      image: IMAGE,
      "credentials-json": fx.outsider.json,
    });
    assert.equal(outsider.run.exitCode, 0, outsider.run.stdout);
    assert.deepEqual(statuses(outsider.rows), [
      "ok Google credentials give an access token",
      "cannot tell Google project and region",
      "cannot tell Cloud Run Admin API enabled",
      "cannot tell Artifact Registry repository",
      "missing deployer may push to the repository",
    ]);
    expectRow(outsider.rows, "deployer may push to the repository", "missing", {
      detail: /lacks artifactregistry\.repositories\.uploadArtifacts/,
      fix: `gcloud artifacts repositories add-iam-policy-binding functions --location ${REGION} --project ${PROJECT} --member serviceAccount:${fx.outsider.email} --role roles/artifactregistry.writer`,
    });
    assert.equal(outsider.run.outputs.warnings, "4");
    assert.deepEqual(
      secretsFound(visibleOutput(outsider.run.stdout) + outsider.run.summary, [fx.outsider.json]),
      [],
    );
  });

  it("the Cloud Run Admin API disabled (SERVICE_DISABLED) blocks the deploy: one line naming the gcloud command", async () => {
    const { run, rows } = await preflight(inputs({ project: DISABLED_PROJECT, image: "" }));
    assertUserFailure(
      run,
      new RegExp(
        `^preflight: 1 check would fail the deploy, nothing was changed: Cloud Run Admin API enabled: .*SERVICE_DISABLED.* Fix: gcloud services enable run\\.googleapis\\.com --project ${DISABLED_PROJECT}$`,
      ),
      [fx.deployer.json, ...fx.stack.gcp.state.tokens.keys()],
    );
    expectRow(rows, "Cloud Run Admin API enabled", "missing (blocks)", {
      fix: `gcloud services enable run.googleapis.com --project ${DISABLED_PROJECT}`,
    });
    assert.equal(run.outputs.blocked, "true");
  });

  it("a missing repository, a repository of another format, an unknown project or region each block with their fix", async () => {
    const noRepository = await preflight(
      inputs({ image: `${REGION}-docker.pkg.dev/${PROJECT}/nothing-here/app:1` }),
    );
    expectRow(noRepository.rows, "Artifact Registry repository", "missing (blocks)", {
      fix: `gcloud artifacts repositories create nothing-here --repository-format docker --location ${REGION} --project ${PROJECT}`,
    });
    assertUserFailure(
      noRepository.run,
      /Artifact Registry repository: .*nothing-here does not exist Fix: gcloud artifacts repositories create nothing-here/,
    );

    const maven = await preflight(inputs({ image: `${REGION}-docker.pkg.dev/${PROJECT}/maven-libs/app:1` }));
    assertUserFailure(maven.run, BLOCKED);
    expectRow(maven.rows, "Artifact Registry repository", "missing (blocks)", {
      detail: /holds MAVEN artifacts, not Docker images/,
    });

    const noProject = await preflight(inputs({ project: "no-such-project", image: "" }));
    assertUserFailure(noProject.run, BLOCKED);
    expectRow(noProject.rows, "Google project and region", "missing (blocks)", {
      fix: /project ID .*gcloud projects list/,
    });

    const noRegion = await preflight(inputs({ region: "mars-north1", image: "" }));
    assertUserFailure(noRegion.run, BLOCKED);
    expectRow(noRegion.rows, "Google project and region", "missing (blocks)", {
      detail: /does not serve region mars-north1/,
      fix: /gcloud run regions list/,
    });
  });

  it("a key Google refuses gives one blocking row, and no other call is made", async () => {
    const revoked = fx.stack.gcp.addServiceAccount(PROJECT, "revoked");
    fx.stack.gcp.state.serviceAccounts.get(revoked.email)?.keys.delete(revoked.privateKeyId);
    const requests = fx.stack.gcp.state.requests.length;
    const { run, rows } = await preflight({
      cloud: "cloud-run",
      project: PROJECT,
      region: REGION,
      "credentials-json": revoked.json,
    });
    assertUserFailure(run, BLOCKED, [revoked.json]);
    assert.deepEqual(statuses(rows), ["missing (blocks) Google credentials give an access token"]);
    expectRow(rows, "Google credentials give an access token", "missing (blocks)", {
      detail: /credentials-json: Google refused the service account key/,
    });
    assert.ok(
      fx.stack.gcp.state.requests
        .slice(requests)
        .every((r) => !/^\/(v2|iam|artifactregistry)\//.test(r.path)),
    );
  });
});

describe("fngate preflight --cloud cloud-run", () => {
  it("shows every check ok, then blocks on a disabled API with exit 1 and one line, with no mutating call", async () => {
    await using sandbox = await cliSandbox({
      NODE_EXTRA_CA_CERTS: fx.stack.caFile,
      FNGATE_GCP_ENDPOINT: fx.stack.gcp.url,
    });
    // The key from the environment (--credentials-json-file reads a file: cli-clouds.test.ts).
    const key = { FNGATE_CREDENTIALS_JSON: fx.deployer.json };
    const before = fx.mutatingCalls();
    const args = ["preflight", "--cloud", "cloud-run", "--region", REGION];
    const good = await sandbox.run(
      [...args, ...["--project", PROJECT, "--image", IMAGE, "--runtime-service-account", runtime, "--json"]],
      key,
    );
    assert.equal(good.exitCode, 0, good.stderr);
    const outputs = (JSON.parse(good.stdout) as { outputs: Record<string, string> }).outputs;
    assert.deepEqual(statuses(JSON.parse(outputs.results ?? "[]") as Row[]), ALL_OK);
    assert.match(good.stderr, /ok {6}Cloud Run Admin API enabled: run\.googleapis\.com answers/);

    const elsewhere = `${REGION}-docker.pkg.dev/${PROJECT}/nothing-here/app:1`;
    const stranded = await sandbox.run(
      [...args, "--project", PROJECT, "--image", elsewhere, "--runtime-service-account", stranger],
      key,
    );
    assertCliFailure(stranded, BLOCKED);
    assert.match(
      stranded.stderr,
      /MISSING deployer may act as the runtime service account: .*lacks iam\.serviceAccounts\.actAs/,
    );
    assert.match(stranded.stderr, /BLOCKED Artifact Registry repository: .*nothing-here does not exist/);

    const disabled = await sandbox.run([...args, "--project", DISABLED_PROJECT], key);
    assertCliFailure(
      disabled,
      /^preflight: 1 check would fail the deploy, nothing was changed: Cloud Run Admin API enabled: .* Fix: gcloud services enable run\.googleapis\.com --project run-off-project$/,
      { secrets: [fx.deployer.json] },
    );
    assert.match(
      disabled.stderr,
      /BLOCKED Cloud Run Admin API enabled: project run-off-project has not enabled run\.googleapis\.com/,
    );
    assert.equal(fx.mutatingCalls(), before, "the CLI's preflight made a mutating Google call");
    const secrets = [fx.deployer.json, ...fx.stack.gcp.state.tokens.keys()];
    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), secrets), []);
  });
});
