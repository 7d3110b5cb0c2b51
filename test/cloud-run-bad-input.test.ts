// Bad input and refusals on the Cloud Run path: one error line naming the input and the fix, and nothing
// deployed. Bad input is a table run in process (test/support/input-table.ts): refused before any call.
// One bad input, and every refusal that is Google's answer, run the built action against the emulator:
// exit 1, one ::error:: line, no stack trace, no mutating call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type CloudRunFixture,
  IMAGE,
  PROJECT,
  REGION,
  startCloudRunFixture,
} from "./emulators/gcp/fixture.ts";
import { printFigure, tally } from "./reliability/figures.ts";
import { assertUserFailure, type ExpectedMessage } from "./runner/index.ts";
import { actionRefusal, actionVerdict, type RefusalRow, refusalTable } from "./support/input-table.ts";
import { serviceAccountKeyJson } from "./support/keys.ts";

// Every refusal below counts: held means one clean line, before any call (in process) or with exit 1
// and no mutating call (a real run).
const figure = tally();
after(() => {
  printFigure(
    "CR-R4",
    "Cloud Run bad input and refusals (cloud-run-deploy, gcp-id-token)",
    `${figure.total} cases, ${figure.held} clear one-line errors, ${figure.total - figure.held} failed to hold (0 mutating calls when held)`,
  );
});

async function counted(check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    figure.record(false);
    throw error;
  }
  figure.record(true);
}

const NEVER_PUSHED = "asia-northeast1-docker.pkg.dev/my-project-123/functions/never-pushed:1";
const serviceAccount = (name: string) => `${name}@${PROJECT}.iam.gserviceaccount.com`;
const keyJson = serviceAccountKeyJson(serviceAccount("deployer"));

describe("cloud-run-deploy and gcp-id-token refuse bad input before any call", () => {
  const inputs = (overrides: Record<string, string | undefined> = {}) => ({
    project: PROJECT,
    region: REGION,
    service: "refused-fn",
    image: IMAGE,
    "workload-identity-provider":
      "projects/123456789012/locations/global/workloadIdentityPools/github-pool/providers/github",
    "service-account": serviceAccount("deployer"),
    invokers: `serviceAccount:${serviceAccount("caller")}`,
    ...overrides,
  });
  const cases: Record<string, RefusalRow> = {
    "a city instead of a region": [
      { region: "tokyo" },
      `region "tokyo" is not a Cloud Run region: use one such as asia-northeast1, us-central1 or europe-west1.`,
    ],
    "an image that is not a path": [
      { image: "hello world" },
      `image "hello world" is not an image path: use HOST/PATH:TAG or HOST/PATH@sha256:DIGEST, e.g. asia-northeast1-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE:TAG.`,
    ],
    "an unknown ingress": [
      { ingress: "private" },
      `ingress "private" is not one of all, internal, internal-and-cloud-load-balancing.`,
    ],
    "allUsers among the invokers without allow-unauthenticated": [
      { invokers: "allUsers" },
      "invokers lists allUsers, which makes the service public: set allow-unauthenticated: true if that is really wanted, otherwise remove it.",
    ],
    "an invoker without a member type": [
      { invokers: "bob@example.com" },
      `invokers: "bob@example.com" is not an IAM member: use serviceAccount:NAME@PROJECT.iam.gserviceaccount.com, user:EMAIL, group:EMAIL or principalSet://...`,
    ],
    "a reserved variable": [{ env: "PORT=8080" }, "env line 1: PORT is set by Cloud Run itself; remove it."],
    "a variable set twice": [{ env: "A=1\nA=2" }, "env line 2: A is set twice; keep one."],
    "a function name with a hyphen": [
      { function: "hello-http" },
      `function "hello-http" is not an entry point name: use the function's name in your source, e.g. hello_http.`,
    ],
    "FUNCTION_TARGET in env next to function": [
      { function: "hello_http", env: "FUNCTION_TARGET=main" },
      "env sets FUNCTION_TARGET and function is set too: keep function (it sets FUNCTION_TARGET) and remove the env line.",
    ],
    "a base image that is no runtime": [
      { "base-image": "Python 3.12" },
      `base-image "Python 3.12" is not a base image: use a runtime ID such as python312 or nodejs22, STACK/RUNTIME such as google-22-full/python312, or REGION-docker.pkg.dev/serverless-runtimes/STACK/runtimes/RUNTIME.`,
    ],
    "allow-unauthenticated: yes": [
      { "allow-unauthenticated": "yes" },
      `allow-unauthenticated must be true or false; got "yes".`,
    ],
    "no credential": [
      { "workload-identity-provider": "", "service-account": "" },
      "no credential given: set workload-identity-provider and service-account (keyless, from the job's GitHub OIDC token; needs `permissions: id-token: write`), or credentials-json.",
    ],
    "a pool name instead of the provider's resource name": [
      { "workload-identity-provider": "github-pool" },
      `workload-identity-provider "github-pool" is not a provider name: use projects/<project NUMBER>/locations/global/workloadIdentityPools/<pool>/providers/<provider> (the project number, not its ID).`,
    ],
    "a provider without a service account": [
      { "service-account": "" },
      "workload-identity-provider is set without service-account: set the service account to impersonate (NAME@PROJECT_ID.iam.gserviceaccount.com).",
    ],
    "a key file that is not JSON": [
      { "workload-identity-provider": "", "service-account": "", "credentials-json": "{not json" },
      `credentials-json is not JSON: pass the whole service account key file (the JSON that starts with {"type": "service_account"}), e.g. from a secret.`,
    ],
    "a user credential instead of a service account key": [
      {
        "workload-identity-provider": "",
        "service-account": "",
        "credentials-json": '{"type":"authorized_user"}',
      },
      `credentials-json has type "authorized_user": a service account key file (type "service_account") is needed; for keyless access use workload-identity-provider and service-account instead.`,
    ],
    "a run label Google would refuse": [
      { "run-label": "Release_1.2" },
      /^run-label must be 1-63 lowercase letters, digits, '-' or '_'.*got "Release_1\.2"\./,
    ],
    "a traffic share that is not a percent": [
      { rollout: "promote", traffic: "ten" },
      `traffic must be a whole percent from 0 to 100 (got "ten"): 100 moves all traffic to the new revision, 10 gives it a 10% canary share, 0 deploys it tagged with no traffic.`,
    ],
    "a traffic tag with an underscore": [
      { rollout: "verify-then-promote", tag: "release_2" },
      `tag "release_2" is not a Cloud Run traffic tag: use at least 3 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen (e.g. candidate).`,
    ],
    "two credentials": [
      { "credentials-json": "{}" },
      "credentials-json and workload-identity-provider are both set: keep exactly one credential (workload identity federation needs no key).",
    ],
    "a job without permissions: id-token: write": [
      {},
      "workload-identity-provider needs `permissions: id-token: write` in the workflow or job (the GitHub OIDC token is exchanged with Google STS).",
    ],
  };

  it("the inputs the cases start from pass every check (with a key: no OIDC token in process)", async () => {
    const keyed = { "workload-identity-provider": undefined, "service-account": undefined };
    const verdict = await actionVerdict("cloud-run-deploy", {
      inputs: inputs({ ...keyed, "credentials-json": keyJson }),
    });
    assert.equal(verdict.outcome, "accepted");
    assert.ok(verdict.masks.includes(keyJson), "credentials-json is masked");
  });
  refusalTable(
    "cloud-run-deploy",
    () => ({ inputs: inputs() }),
    cases,
    (held) => figure.record(held),
  );
  // Rollout inputs, and gcp-id-token's token-format: refused the same way, outside the CR-R4 figure.
  refusalTable("cloud-run-deploy", () => ({ inputs: inputs() }), {
    "an unknown rollout": [
      { rollout: "blue-green" },
      `rollout must be direct, verify-then-promote or promote (got "blue-green"): verify-then-promote smoke-tests a revision before it takes traffic, direct gives it the traffic at once.`,
    ],
    "a canary share with rollout verify-then-promote": [
      { rollout: "verify-then-promote", traffic: "10" },
      "traffic is 10 but cloud-run-deploy with rollout verify-then-promote deploys the revision with no traffic: give traffic to a later cloud-run-deploy step with rollout: promote, or use cloud-run-pipeline.",
    ],
    "a canary share with rollout direct": [
      { traffic: "10" },
      "traffic is 10 but rollout is direct, which sends all traffic to the new revision: set rollout: promote for a canary share, or drop traffic.",
    ],
    "a percent over 100": [
      { rollout: "promote", traffic: "150" },
      `traffic must be a whole percent from 0 to 100 (got "150"): 100 moves all traffic to the new revision, 10 gives it a 10% canary share, 0 deploys it tagged with no traffic.`,
    ],
    "a tag too long for the service name": [
      { service: "refused-rollout", tag: "a-very-long-tag-name-for-this-service-x" },
      `tag "a-very-long-tag-name-for-this-service-x" is too long for service "refused-rollout": Cloud Run allows at most 46 characters for the tag and the service name together; use a tag of at most 31 characters.`,
    ],
    "a revision suffix with an underscore": [
      { service: "refused-rollout", "revision-suffix": "v1_2" },
      `revision-suffix "v1_2" does not make a revision name: use lowercase letters, digits and hyphens (not at either end), at most 47 characters with this service name.`,
    ],
  });
  refusalTable("gcp-id-token", () => ({ inputs: { "credentials-json": keyJson } }), {
    "an audience with an access token": [
      { "token-format": "access-token", audience: "https://x.a.run.app" },
      "audience applies to ID tokens only: an access token carries the cloud-platform scope and no audience; remove audience, or set token-format: id-token.",
    ],
    "another token format": [
      { "token-format": "jwt" },
      /^token-format must be id-token .* or access-token .*; got "jwt"\.$/,
    ],
  });
  it("gcp-id-token without an audience", () =>
    counted(async () =>
      assert.equal(
        await actionRefusal("gcp-id-token", { inputs: { "credentials-json": keyJson } }),
        "audience is required for an ID token: set it to the Cloud Run service's URL (cloud-run-deploy's url output), or set token-format: access-token.",
      ),
    ));
});

describe("as the runner runs them, against the emulator", () => {
  let fx: CloudRunFixture;
  before(async () => {
    fx = await startCloudRunFixture();
  });
  after(async () => {
    await fx?.close();
  });

  it("a project name instead of its ID: not even a read", async () => {
    const requests = fx.stack.gcp.state.requests.length;
    await deployRefused(
      "refused-fn",
      { project: "My_Project" },
      `project "My_Project" is not a project ID: use the ID from the console's project picker (6-30 lowercase letters, digits and hyphens), e.g. my-project-123.`,
    );
    assert.equal(fx.stack.gcp.state.requests.length, requests);
  });

  // What Google refuses, explained.
  const google: Record<
    string,
    [string, (fx: CloudRunFixture) => Record<string, string>, string | RegExp, object?]
  > = {
    "a deployer without roles/run.admin (403)": [
      "denied-fn",
      (fx) => ({
        "workload-identity-provider": "",
        "service-account": "",
        "credentials-json": fx.outsider.json,
      }),
      /^outsider@my-project-123\.iam\.gserviceaccount\.com may not read service denied-fn in project my-project-123 \(Permission 'run\.services\.get' denied on resource .*\): grant it roles\/run\.admin on the project \(or roles\/run\.developer and roles\/iam\.serviceAccountUser on the runtime service account\), and check project is the project ID\.$/,
    ],
    "a project that does not exist (404)": [
      "lost-fn",
      () => ({ project: "other-project-9" }),
      "project other-project-9 or region asia-northeast1 was not found (Project 'other-project-9' not found or deleted.): set project to the project ID (not its name or number) and region to a Cloud Run region such as asia-northeast1.",
    ],
    "a region Cloud Run does not offer (404)": [
      "lost-fn",
      () => ({ region: "asia-northeast9" }),
      /^project my-project-123 or region asia-northeast9 was not found \(Location 'asia-northeast9' is not found or is not supported by Cloud Run\.\): set project/,
    ],
    "an image that was never pushed (400)": [
      "ghost-fn",
      () => ({ image: NEVER_PUSHED }),
      `image ${NEVER_PUSHED} was refused (Image '${NEVER_PUSHED}' not found.): push it first and use its full path, e.g. asia-northeast1-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE:TAG, readable by the Cloud Run service agent.`,
    ],
    "a GitHub token from a repository the provider's condition does not admit": [
      "foreign-fn",
      () => ({}),
      "workload-identity-provider: Google STS refused the GitHub OIDC token (unauthorized_client: The given credential is rejected by the attribute condition.): check the provider's issuer (https://token.actions.githubusercontent.com), its attribute condition and allowed audiences match this repository and workflow.",
      { repository: "OTHER/REPO" },
    ],
  };
  for (const [name, [service, overrides, message, jobOptions]] of Object.entries(google)) {
    it(name, () => deployRefused(service, overrides(fx), message, jobOptions));
  }

  async function deployRefused(
    service: string,
    overrides: Record<string, string>,
    expected: ExpectedMessage,
    jobOptions = {},
  ) {
    await using job = await fx.job(jobOptions);
    const before = fx.mutatingCalls();
    const run = await job.run("cloud-run-deploy", { inputs: fx.deployInputs(service, overrides) });
    await counted(async () => void assertUserFailure(run, expected));
    assert.equal(fx.mutatingCalls(), before, "nothing deployed");
    assert.equal(
      fx.stack.gcp.state.services.has(`projects/${PROJECT}/locations/${REGION}/services/${service}`),
      false,
    );
  }

  async function idTokenRefused(inputs: Record<string, string>, expected: ExpectedMessage) {
    await using job = await fx.job();
    const run = await job.run("gcp-id-token", { inputs });
    await counted(async () => void assertUserFailure(run, expected));
    assert.equal(run.outputs["id-token"], undefined);
  }

  it("gcp-id-token: a service account the repository may not impersonate", async () => {
    await idTokenRefused(
      {
        audience: "https://hello.example",
        "workload-identity-provider": fx.provider,
        "service-account": fx.outsider.email,
      },
      /^service-account: the federated identity may not impersonate the service account \(.*Permission 'iam\.serviceAccounts\.getOpenIdToken' denied.*\): grant roles\/iam\.workloadIdentityUser on the service account to the pool's principalSet for this repository\.$/,
    );
  });

  it("gcp-id-token: a key that was deleted", async () => {
    const key = fx.stack.gcp.addKey(fx.caller.email);
    fx.stack.gcp.state.serviceAccounts.get(fx.caller.email)?.keys.delete(key.privateKeyId);
    await idTokenRefused(
      { audience: "https://hello.example", "credentials-json": key.json },
      /^credentials-json: Google refused the service account key \(.*\): the key may be deleted or disabled, or its service account removed; create a new key\.$/,
    );
  });
});
