// fc-deploy's bad inputs and sign-in failures: each fails with exactly one error line naming the
// input and the fix, exit 1, no stack trace, and no call that changes anything (input errors make no
// call at all).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type AlibabaFixture, alibabaFixture, examplesDir, REPOSITORY } from "./emulators/alibaba/fixture.ts";
import { isMutatingFcCall } from "./emulators/alibaba/server.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { printFigure, tally } from "./reliability/figures.ts";
import { Job, type StepResult } from "./runner/index.ts";

let stack: EmulatorStack;
let fx: AlibabaFixture;

before(async () => {
  stack = await startEmulatorStack();
  fx = alibabaFixture(stack);
});
after(async () => {
  await stack?.close();
  printFigure(
    "FC-R4",
    "fc-deploy bad input and sign-in failures",
    `${cases.total} cases, ${cases.held} clear one-line errors, ${callsMade} mutating calls`,
  );
});

// Relative to the job's workspace, a checkout of examples/alibaba-fc.
const codePath = () => "function";

function valid(): Record<string, string> {
  return {
    region: "cn-hangzhou",
    function: "bad-input",
    "code-path": codePath(),
    runtime: "nodejs20",
    handler: "index.handler",
    "access-key-id": fx.accessKey.id,
    "access-key-secret": fx.accessKey.secret,
  };
}

async function run(
  inputs: Record<string, string | undefined>,
  env: Record<string, string> = fx.env,
): Promise<StepResult> {
  const job = await Job.create({ env, checkout: examplesDir });
  try {
    const defined = Object.fromEntries(
      Object.entries(inputs).filter(([, value]) => value !== undefined),
    ) as Record<string, string>;
    return await job.run("fc-deploy", { inputs: defined });
  } finally {
    await job.dispose();
  }
}

const cases = tally();
let callsMade = 0;

function assertOneError(result: StepResult, message: string): void {
  cases.record(
    result.exitCode === 1 &&
      result.annotations.filter((a) => a.level === "error").length === 1 &&
      result.annotations.some((a) => a.message === message),
  );
  assert.equal(result.exitCode, 1, result.stdout + result.stderr);
  const errors = result.annotations.filter((a) => a.level === "error").map((a) => a.message);
  assert.deepEqual(errors, [message]);
  assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at /, "no stack trace");
}

const INPUT_CASES: [string, () => Record<string, string | undefined>, string | (() => string)][] = [
  [
    "role that is not a RAM role ARN",
    () => ({ ...valid(), role: "arn:aws:iam::123456789012:role/x" }),
    'role must be a RAM role ARN like acs:ram::<account uid>:role/<role name> (RAM console > Roles > the role > ARN); got "arn:aws:iam::123456789012:role/x".',
  ],
  [
    "region that is not a region id",
    () => ({ ...valid(), region: "Hangzhou" }),
    'region must be an Alibaba Cloud region id such as cn-hangzhou or ap-southeast-1; got "Hangzhou".',
  ],
  [
    "function name starting with a digit",
    () => ({ ...valid(), function: "1-fn" }),
    "function must be 1-64 letters, digits, '_' or '-', starting with a letter or '_'; got \"1-fn\".",
  ],
  [
    "neither image nor code-path",
    () => ({ ...valid(), "code-path": undefined }),
    "image or code-path is required: set image (an ACR container image) or code-path (a folder to zip) with runtime and handler.",
  ],
  [
    "both image and code-path",
    () => ({ ...valid(), image: "registry.cn-hangzhou.aliyuncs.com/ns/app:v1" }),
    "image and code-path are exclusive: deploy a container image or a code package, not both.",
  ],
  [
    "image without a tag",
    () => ({ ...valid(), "code-path": undefined, runtime: undefined, handler: undefined, image: "nginx" }),
    'image must be a full ACR image reference with a tag or digest, such as registry.cn-hangzhou.aliyuncs.com/NAMESPACE/REPO:TAG; got "nginx".',
  ],
  [
    "runtime with an image",
    () => ({
      ...valid(),
      "code-path": undefined,
      handler: undefined,
      image: "registry.cn-hangzhou.aliyuncs.com/ns/app:v1",
    }),
    "runtime applies to code-path only: a container image brings its own; remove runtime.",
  ],
  [
    "unknown runtime",
    () => ({ ...valid(), runtime: "node20" }),
    'runtime must be a Function Compute 3.0 runtime such as nodejs20, python3.10 or custom.debian10; got "node20".',
  ],
  ["missing handler", () => ({ ...valid(), handler: undefined }), "handler is required: set the input."],
  [
    "code-path that is not a folder",
    () => ({ ...valid(), "code-path": join(codePath(), "index.mjs") }),
    `code-path must be a folder holding the function's code; ${JSON.stringify(join(codePath(), "index.mjs"))} is not a folder.`,
  ],
  [
    "memory below 128",
    () => ({ ...valid(), memory: "100" }),
    'memory must be a whole number from 128 to 32768; got "100".',
  ],
  [
    "memory not a multiple of 64",
    () => ({ ...valid(), memory: "200" }),
    "memory must be a multiple of 64 MB (such as 512); got 200.",
  ],
  [
    "timeout not a number",
    () => ({ ...valid(), timeout: "1m" }),
    'timeout must be a whole number from 1 to 86400; got "1m".',
  ],
  [
    "env line without =",
    () => ({ ...valid(), env: "A=1\nnot a pair" }),
    "env line 2 must be KEY=VALUE with KEY made of letters, digits and '_' (not starting with a digit).",
  ],
  ["env key set twice", () => ({ ...valid(), env: "A=1\nA=2" }), "env sets A twice (line 2): keep one."],
  [
    "no credentials",
    () => ({ ...valid(), "access-key-id": undefined, "access-key-secret": undefined }),
    "credentials are required: set role-to-assume + oidc-provider-arn (GitHub OIDC, no stored key; needs `permissions: id-token: write`) or access-key-id + access-key-secret.",
  ],
  [
    "role-to-assume without oidc-provider-arn",
    () => ({
      ...valid(),
      "access-key-id": undefined,
      "access-key-secret": undefined,
      "role-to-assume": fx.deployer.arn,
    }),
    "oidc-provider-arn is required with role-to-assume: the ARN of the RAM OIDC provider for https://token.actions.githubusercontent.com.",
  ],
  [
    "role-to-assume together with an AccessKey",
    () => ({ ...valid(), "role-to-assume": fx.deployer.arn, "oidc-provider-arn": fx.providerArn }),
    "role-to-assume and access-key-id/access-key-secret are exclusive: use GitHub OIDC (preferred, no stored key) or an AccessKey pair.",
  ],
  [
    "oidc-provider-arn that is a role ARN",
    () => ({
      ...valid(),
      "access-key-id": undefined,
      "access-key-secret": undefined,
      "role-to-assume": fx.deployer.arn,
      "oidc-provider-arn": fx.deployer.arn,
    }),
    () =>
      `oidc-provider-arn must be a RAM OIDC provider ARN like acs:ram::<account uid>:oidc-provider/<name> (RAM console > SSO > OIDC); got ${JSON.stringify(fx.deployer.arn)}.`,
  ],
  [
    "account-id that is not digits",
    () => ({ ...valid(), "account-id": "my-account" }),
    'account-id must be the Alibaba Cloud account UID (digits only); got "my-account".',
  ],
  [
    "deadline-minutes of zero",
    () => ({ ...valid(), "deadline-minutes": "0" }),
    'deadline-minutes must be a number of minutes above 0 and at most 360 (such as 15 or 0.5); got "0".',
  ],
];

describe("fc-deploy bad inputs", () => {
  for (const [name, inputs, message] of INPUT_CASES) {
    it(`${name}: one clear line, no call made`, async () => {
      const before = stack.alibaba.requests.length;
      assertOneError(await run(inputs()), typeof message === "function" ? message() : message);
      const made = stack.alibaba.requests.slice(before);
      callsMade += made.filter(isMutatingFcCall).length;
      assert.deepEqual(made, [], "no request reached Alibaba Cloud");
    });
  }

  it("the public endpoint needs account-id when no ARN carries it", async () => {
    const result = await run(valid(), { NODE_EXTRA_CA_CERTS: stack.caFile });
    assertOneError(
      result,
      "account-id is required: the Function Compute endpoint is <account id>.<region>.fc.aliyuncs.com; set account-id (or pass role / role-to-assume, whose ARN carries it).",
    );
  });
});

describe("fc-deploy sign-in failures", () => {
  const oidc = () => ({
    ...valid(),
    "access-key-id": undefined,
    "access-key-secret": undefined,
    "role-to-assume": fx.deployer.arn,
    "oidc-provider-arn": fx.providerArn,
  });

  async function signInFails(
    inputs: Record<string, string | undefined>,
    env: Record<string, string>,
    message: string,
  ) {
    const before = stack.alibaba.requests.length;
    assertOneError(await run(inputs, { ...fx.env, ...env }), message);
    const mutating = stack.alibaba.requests.slice(before).filter(isMutatingFcCall);
    callsMade += mutating.length;
    assert.deepEqual(mutating, []);
  }

  it("a job without id-token: write", async () => {
    await signInFails(
      oidc(),
      {},
      "role-to-assume needs `permissions: id-token: write` in the workflow or job (GitHub OIDC token).",
    );
  });

  it("a job whose subject the deployer role does not trust (another branch)", async () => {
    await signInFails(
      oidc(),
      stack.githubOidc.envFor({ repository: REPOSITORY, ref: "refs/heads/feature" }),
      `role-to-assume: AssumeRoleWithOIDC for ${fx.deployer.arn} via ${fx.providerArn} failed (NoPermission): the role's trust policy does not allow this GitHub job: trust the OIDC provider with a condition on oidc:sub such as repo:ORG/REPO:ref:refs/heads/main.`,
    );
  });

  it("an audience that is not a client ID of the OIDC provider", async () => {
    await signInFails(
      { ...oidc(), "oidc-audience": "api://somewhere-else" },
      stack.githubOidc.envFor({ repository: REPOSITORY }),
      `role-to-assume: AssumeRoleWithOIDC for ${fx.deployer.arn} via ${fx.providerArn} failed (AuthenticationFail.OIDCToken.AudienceMismatch): the token's audience is not one of the OIDC provider's client IDs: set oidc-audience to a client ID of the provider (default sts.aliyuncs.com).`,
    );
  });

  it("an AccessKey secret that does not match its id", async () => {
    await signInFails(
      { ...valid(), "access-key-secret": `${fx.accessKey.secret}x` },
      {},
      "access-key-id / access-key-secret were refused by Function Compute (SignatureDoesNotMatch): check that the pair belongs together and is enabled.",
    );
  });
});
