// The preflight action's Function Compute checks (cloud: fc), run as the runner runs it and as
// `fngate preflight --cloud fc`, against an Alibaba account laid out before a first deploy: each check
// shown satisfied and unsatisfied with its fix, a blocking miss failing the step with one line, and no
// call that changes anything (the emulator's request log holds only reads).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AcrInstance } from "./emulators/alibaba/acr-instances.ts";
import {
  alibabaSecrets,
  IMAGE,
  REPOSITORY,
  type StartedAlibabaFixture,
  startAlibabaFixture,
} from "./emulators/alibaba/fixture.ts";
import { isMutatingFcCall } from "./emulators/alibaba/server.ts";
import type { AccessKey, Role } from "./emulators/alibaba/state.ts";
import type { EmulatorStack } from "./emulators/stack.ts";
import { assertCliFailure, assertUserFailure, type StepResult } from "./runner/index.ts";
import { cliSandbox } from "./support/cli-process.ts";
import {
  BLOCKED,
  expectRow,
  type PreflightRow,
  rowOf,
  statusesOf as statuses,
} from "./support/preflight-world.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

let stack: EmulatorStack;
let fx: StartedAlibabaFixture;
let instance: AcrInstance;
let conditionalRole: Role;
let cannotReadRam: AccessKey;
/** Every check satisfied, in order: PassRole cannot be told by a read. */
const ALL_OK = [
  "ok Alibaba credentials and region endpoint",
  "ok function role trusts Function Compute",
  "cannot tell deployer may pass the function role (ram:PassRole)",
  "ok image registry region",
  "ok ACR instance of the image",
];
const EE_IMAGE = "fngate-ee-registry-vpc.cn-hangzhou.cr.aliyuncs.com/fngate/server:v1";

before(async () => {
  fx = await startAlibabaFixture();
  stack = fx.stack;
  const { state } = stack.alibaba;
  instance = state.addAcrInstance("fngate-ee");
  // A trust policy FC may use only under a condition preflight cannot evaluate.
  conditionalRole = state.addRole(
    "fc-conditional",
    { services: ["fc.aliyuncs.com"] },
    {
      trustDocument: JSON.stringify({
        Statement: [
          {
            Action: "sts:AssumeRole",
            Effect: "Allow",
            Principal: { Service: "fc.aliyuncs.com" },
            Condition: { StringEquals: { "fc:region": "cn-hangzhou" } },
          },
        ],
        Version: "1",
      }),
    },
  );
  cannotReadRam = state.addAccessKey({ user: "no-ram-read", readsRam: false });
});
after(async () => {
  await fx?.close();
});

const READ_ONLY = new Set(["STS:GetCallerIdentity", "STS:AssumeRoleWithOIDC", "RAM:GetRole"]);

/** Every call since `from` was a read: none mutating, and only the operations preflight may make. */
function assertOnlyReads(from: number): string[] {
  const calls = stack.alibaba.requests.slice(from);
  assert.equal(calls.filter(isMutatingFcCall).length, 0, "no mutating call");
  const operations = calls.map((call) => call.operation);
  for (const operation of operations) assert.ok(READ_ONLY.has(operation), `read-only: ${operation}`);
  return operations;
}

function keyInputs(key: AccessKey = fx.accessKey): Record<string, string> {
  return { "access-key-id": key.id, "access-key-secret": key.secret };
}

async function preflight(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<{ run: StepResult; rows: PreflightRow[]; calls: string[] }> {
  const from = stack.alibaba.requests.length;
  const run = await fx.run(
    "preflight",
    { cloud: "fc", region: "cn-hangzhou", ...inputs },
    { env, checkout: false },
  );
  const rows = JSON.parse(run.outputs.results ?? "[]") as PreflightRow[];
  const secrets = alibabaSecrets(stack);
  assert.deepEqual(secretsFound(visibleOutput(run.stdout) + run.stderr + run.summary, secrets), []);
  return { run, rows, calls: assertOnlyReads(from) };
}

describe("preflight: Function Compute checks (cloud: fc)", () => {
  it("every check satisfied with an AccessKey: ok rows, PassRole cannot be told (and why), nothing changed", async () => {
    const { run, rows, calls } = await preflight({
      ...keyInputs(),
      role: fx.functionRole.arn,
      image: IMAGE,
      "account-id": stack.alibaba.state.accountId,
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(statuses(rows), ALL_OK);
    assert.deepEqual(calls, ["STS:GetCallerIdentity", "RAM:GetRole"]);
    assert.equal(
      rowOf(rows, "Alibaba credentials and region endpoint").detail,
      `acs:ram::${stack.alibaba.state.accountId}:user/deployer (account ${stack.alibaba.state.accountId}) at ${new URL(stack.alibaba.url).host}`,
    );
    expectRow(rows, "deployer may pass the function role (ram:PassRole)", "cannot tell", {
      detail: /RAM has no read-only call that evaluates/,
      fix: `attach to the deployer a policy allowing it: {"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:PassRole","Resource":"${fx.functionRole.arn}"}]}`,
    });
    assert.deepEqual([run.outputs.blocked, run.outputs.warnings], ["false", "1"]);
    assert.ok(run.stdout.includes("ok      function role trusts Function Compute: "), run.stdout);
  });

  it("signed in with GitHub OIDC: the assumed role answers GetCallerIdentity", async () => {
    const { run, rows, calls } = await preflight(
      { "oidc-provider-arn": fx.providerArn, "role-to-assume": fx.deployer.arn, role: fx.functionRole.arn },
      stack.githubOidc.envFor({ repository: REPOSITORY }),
    );
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.match(
      rowOf(rows, "Alibaba credentials and region endpoint").detail,
      /^acs:ram::\d+:assumed-role\/github-deployer\/fngate-fc-deploy \(account \d+\)/,
    );
    assert.deepEqual(calls, ["STS:AssumeRoleWithOIDC", "STS:GetCallerIdentity", "RAM:GetRole"]);
  });

  it("a role that does not trust FC blocks, with the trust policy to set, in one error line", async () => {
    const { run, rows } = await preflight({ ...keyInputs(), role: fx.untrustedRole.arn });
    const fix = `set the role's trust policy to {"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["fc.aliyuncs.com"]}}],"Version":"1"} (RAM console > Roles > ecs-only > Trust Policy > Edit Trust Policy)`;
    expectRow(rows, "function role trusts Function Compute", "missing (blocks)", { fix });
    assertUserFailure(
      run,
      `preflight: 1 check would fail the deploy, nothing was changed: function role trusts Function Compute: the trust policy of ${fx.untrustedRole.arn} does not let fc.aliyuncs.com assume it Fix: ${fix}`,
      alibabaSecrets(stack),
    );
    assert.equal(run.outputs.blocked, "true");
  });

  it("a role that does not exist blocks; a conditional trust or a caller who may not read roles cannot be told", async () => {
    const accountId = stack.alibaba.state.accountId;
    const absent = await preflight({ ...keyInputs(), role: `acs:ram::${accountId}:role/no-such-role` });
    assertUserFailure(absent.run, BLOCKED);
    expectRow(absent.rows, "function role trusts Function Compute", "missing (blocks)", {
      detail: `role acs:ram::${accountId}:role/no-such-role does not exist`,
      fix: /RAM console > Roles > Create Role/,
    });

    const conditional = await preflight({ ...keyInputs(), role: conditionalRole.arn });
    assert.equal(conditional.run.exitCode, 0, conditional.run.stdout);
    expectRow(conditional.rows, "function role trusts Function Compute", "cannot tell", {
      detail: /only under a Condition/,
    });
    assert.ok(
      conditional.run.annotations.some(
        (a) => a.level === "warning" && a.message.includes("only under a Condition"),
      ),
    );

    const unreadable = await preflight({ ...keyInputs(cannotReadRam), role: fx.functionRole.arn });
    assert.equal(unreadable.run.exitCode, 0, unreadable.run.stdout);
    expectRow(unreadable.rows, "function role trusts Function Compute", "cannot tell", {
      detail: /^the caller may not read RAM roles \(GetRole answered NoPermission\)/,
      fix: `grant the deployer ram:GetRole on ${fx.functionRole.arn}, or check in RAM console > Roles > fc-oss-writer > Trust Policy that it trusts fc.aliyuncs.com`,
    });
  });

  it("bad credentials or another account: one blocking row naming the fix, and no further call", async () => {
    const bad = await preflight({
      "access-key-id": fx.accessKey.id,
      "access-key-secret": "not-the-secret-000",
    });
    assertUserFailure(bad.run, BLOCKED, ["not-the-secret-000"]);
    assert.deepEqual(statuses(bad.rows), ["missing (blocks) Alibaba credentials and region endpoint"]);
    expectRow(bad.rows, "Alibaba credentials and region endpoint", "missing (blocks)", {
      detail: /^GetCallerIdentity at .* failed: SignatureDoesNotMatch: /,
      fix: "access-key-secret does not belong to access-key-id: set the secret shown when the AccessKey was created",
    });
    assert.deepEqual(bad.calls, ["STS:GetCallerIdentity"]);

    const other = await preflight({
      ...keyInputs(),
      "account-id": "9999999999999999",
      role: fx.functionRole.arn,
    });
    assertUserFailure(other.run, BLOCKED);
    expectRow(other.rows, "Alibaba credentials and region endpoint", "missing (blocks)", {
      fix: `set account-id to ${stack.alibaba.state.accountId}, or use credentials of account 9999999999999999`,
    });
  });

  it("images: another region blocks; Enterprise Edition without acr-instance-id blocks; with it, ok", async () => {
    const far = await preflight({
      ...keyInputs(),
      image: "registry.cn-beijing.aliyuncs.com/fngate/server:v1",
    });
    assertUserFailure(far.run, BLOCKED);
    expectRow(far.rows, "image registry region", "missing (blocks)", {
      fix: "push the image to registry.cn-hangzhou.aliyuncs.com and set image to it, or deploy the function in cn-beijing",
    });

    const noId = await preflight({ ...keyInputs(), image: EE_IMAGE });
    assertUserFailure(noId.run, BLOCKED);
    expectRow(noId.rows, "ACR instance of the image", "missing (blocks)", {
      detail: /^acr-instance-id is required: image .* is in the ACR Enterprise Edition instance fngate-ee/,
      fix: "set acr-instance-id to the ID of instance fngate-ee (cri-…, Container Registry console > Instances > fngate-ee)",
    });
    expectRow(noId.rows, "image registry region", "ok");

    const withId = await preflight({ ...keyInputs(), image: EE_IMAGE, "acr-instance-id": instance.id });
    assert.equal(withId.run.exitCode, 0, withId.run.stdout);
    expectRow(withId.rows, "ACR instance of the image", "ok", {
      detail: `Enterprise Edition instance fngate-ee, acr-instance-id ${instance.id}`,
    });

    const custom = await preflight({ ...keyInputs(), image: "images.example.com/fngate/server:v1" });
    assert.equal(custom.run.exitCode, 0);
    assert.deepEqual(statuses(custom.rows).slice(1), [
      "cannot tell image registry region",
      "cannot tell ACR instance of the image",
    ]);
  });
});

describe("fngate preflight --cloud fc", () => {
  it("the same rows from the command line: satisfied, then a blocking miss with its fix and exit 1", async () => {
    await using sandbox = await cliSandbox(fx.env);
    const from = stack.alibaba.requests.length;
    const args = [
      "preflight",
      "--cloud",
      "fc",
      "--region",
      "cn-hangzhou",
      "--access-key-id",
      fx.accessKey.id,
    ];
    const env = { FNGATE_ACCESS_KEY_SECRET: fx.accessKey.secret };
    const good = await sandbox.run([...args, "--role", fx.functionRole.arn, "--image", IMAGE, "--json"], env);
    assert.equal(good.exitCode, 0, good.stderr);
    const result = JSON.parse(good.stdout) as { ok: boolean; outputs: Record<string, string> };
    assert.deepEqual(statuses(JSON.parse(result.outputs.results ?? "[]")), ALL_OK);
    const bad = await sandbox.run([...args, "--role", fx.untrustedRole.arn, "--image", EE_IMAGE], env);
    assertCliFailure(
      bad,
      /^preflight: 2 checks would fail the deploy, nothing was changed: function role trusts Function Compute: .* Fix: set the role's trust policy to \{.*\} \(RAM console > Roles > ecs-only > Trust Policy > Edit Trust Policy\) \(and ACR instance of the image\)$/,
      { secrets: alibabaSecrets(stack) },
    );
    assert.match(
      bad.stderr,
      /BLOCKED function role trusts Function Compute: the trust policy of .* does not let fc\.aliyuncs\.com assume it/,
    );
    assert.match(bad.stderr, /BLOCKED ACR instance of the image: acr-instance-id is required/);
    assertOnlyReads(from);
    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), alibabaSecrets(stack)), []);
  });
});
