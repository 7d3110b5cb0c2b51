// fc-deploy's bad inputs and sign-in failures: each fails with exactly one error line naming the input
// and the fix, and no call that changes anything. Bad input is a table run in process
// (test/support/input-table.ts): refused before any call. One bad input, and the sign-in failures that
// are Alibaba Cloud's answer, run the built action against the emulator: exit 1, one ::error:: line, no
// stack trace, no mutating call.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  examplesDir,
  REPOSITORY,
  type StartedAlibabaFixture,
  startAlibabaFixture,
} from "./emulators/alibaba/fixture.ts";
import { isMutatingFcCall } from "./emulators/alibaba/server.ts";
import { printFigure, tally } from "./reliability/figures.ts";
import { actionVerdict, type RefusalRow, refusalTable } from "./support/input-table.ts";

const cases = tally();
let callsMade = 0;
after(() => {
  printFigure(
    "FC-R4",
    "fc-deploy bad input and sign-in failures",
    `${cases.total} cases, ${cases.held} clear one-line errors, ${callsMade} mutating calls`,
  );
});

// code-path is relative to the workspace, a checkout of examples/alibaba-fc.
const CODE_PATH = "function";
const DEPLOYER = "acs:ram::1234567890123456:role/github-deployer";
const PROVIDER = "acs:ram::1234567890123456:oidc-provider/github";
const NO_KEY = { "access-key-id": undefined, "access-key-secret": undefined };
const valid = (): Record<string, string | undefined> => ({
  region: "cn-hangzhou",
  function: "bad-input",
  "code-path": CODE_PATH,
  runtime: "nodejs20",
  handler: "index.handler",
  "access-key-id": "LTAI5tBadInputKeyId0001",
  "access-key-secret": "bad-input-secret-0123456789abcdef",
});

type Cases = Record<string, RefusalRow>;

describe("fc-deploy refuses bad input before any call", () => {
  const table: Cases = {
    "region that is not a region id": [
      { region: "Hangzhou" },
      'region must be an Alibaba Cloud region id such as cn-hangzhou or ap-southeast-1; got "Hangzhou".',
    ],
    "role that is not a RAM role ARN": [
      { role: "arn:aws:iam::123456789012:role/x" },
      'role must be a RAM role ARN like acs:ram::<account uid>:role/<role name> (RAM console > Roles > the role > ARN); got "arn:aws:iam::123456789012:role/x".',
    ],
    "function name starting with a digit": [
      { function: "1-fn" },
      "function must be 1-64 letters, digits, '_' or '-', starting with a letter or '_'; got \"1-fn\".",
    ],
    "neither image nor code-path": [
      { "code-path": undefined },
      "image or code-path is required: set image (an ACR container image) or code-path (a folder to zip) with runtime and handler.",
    ],
    "both image and code-path": [
      { image: "registry.cn-hangzhou.aliyuncs.com/ns/app:v1" },
      "image and code-path are exclusive: deploy a container image or a code package, not both.",
    ],
    "image without a tag": [
      { "code-path": undefined, runtime: undefined, handler: undefined, image: "nginx" },
      'image must be a full ACR image reference with a tag or digest, such as registry.cn-hangzhou.aliyuncs.com/NAMESPACE/REPO:TAG; got "nginx".',
    ],
    "runtime with an image": [
      {
        "code-path": undefined,
        handler: undefined,
        image: "registry.cn-hangzhou.aliyuncs.com/ns/app:v1",
      },
      "runtime applies to code-path only: a container image brings its own; remove runtime.",
    ],
    "unknown runtime": [
      { runtime: "node20" },
      'runtime must be a Function Compute 3.0 runtime such as nodejs20, python3.10 or custom.debian10; got "node20".',
    ],
    "missing handler": [{ handler: undefined }, "handler is required: set the input."],
    "code-path that is not a folder": [
      { "code-path": join(CODE_PATH, "index.mjs") },
      `code-path must be a folder holding the function's code; ${JSON.stringify(join(CODE_PATH, "index.mjs"))} is not a folder.`,
    ],
    "memory below 128": [{ memory: "100" }, 'memory must be a whole number from 128 to 32768; got "100".'],
    "memory not a multiple of 64": [
      { memory: "200" },
      "memory must be a multiple of 64 MB (such as 512); got 200.",
    ],
    "timeout not a number": [{ timeout: "1m" }, 'timeout must be a whole number from 1 to 86400; got "1m".'],
    "env line without =": [
      { env: "A=1\nnot a pair" },
      "env line 2 must be KEY=VALUE with KEY made of letters, digits and '_' (not starting with a digit).",
    ],
    "env key set twice": [{ env: "A=1\nA=2" }, "env sets A twice (line 2): keep one."],
    "role-to-assume without oidc-provider-arn": [
      { ...NO_KEY, "role-to-assume": DEPLOYER },
      "oidc-provider-arn is required with role-to-assume: the ARN of the RAM OIDC provider for https://token.actions.githubusercontent.com.",
    ],
    "role-to-assume together with an AccessKey": [
      { "role-to-assume": DEPLOYER, "oidc-provider-arn": PROVIDER },
      "role-to-assume and access-key-id/access-key-secret are exclusive: use GitHub OIDC (preferred, no stored key) or an AccessKey pair.",
    ],
    "oidc-provider-arn that is a role ARN": [
      { ...NO_KEY, "role-to-assume": DEPLOYER, "oidc-provider-arn": DEPLOYER },
      `oidc-provider-arn must be a RAM OIDC provider ARN like acs:ram::<account uid>:oidc-provider/<name> (RAM console > SSO > OIDC); got ${JSON.stringify(DEPLOYER)}.`,
    ],
    "account-id that is not digits": [
      { "account-id": "my-account" },
      'account-id must be the Alibaba Cloud account UID (digits only); got "my-account".',
    ],
    "deadline-minutes of zero": [
      { "deadline-minutes": "0" },
      'deadline-minutes must be a number of minutes above 0 and at most 360 (such as 15 or 0.5); got "0".',
    ],
    "the public endpoint needs account-id when no ARN carries it": [
      {},
      "account-id is required: the Function Compute endpoint is <account id>.<region>.fc.aliyuncs.com; set account-id (or pass role / role-to-assume, whose ARN carries it).",
      { FNGATE_ALIBABA_ENDPOINT: undefined },
    ],
    "a job without id-token: write": [
      { ...NO_KEY, "role-to-assume": DEPLOYER, "oidc-provider-arn": PROVIDER },
      "role-to-assume needs `permissions: id-token: write` in the workflow or job (GitHub OIDC token).",
    ],
  };

  it("the inputs the cases start from pass every check", async () => {
    const verdict = await actionVerdict("fc-deploy", { inputs: valid(), workspace: examplesDir });
    assert.equal(verdict.outcome, "accepted");
    assert.ok(verdict.masks.includes("bad-input-secret-0123456789abcdef"), "access-key-secret is masked");
  });
  refusalTable(
    "fc-deploy",
    () => ({ inputs: valid(), workspace: examplesDir }),
    table,
    (held) => cases.record(held),
  );
});

describe("fc-deploy as the runner runs it, against the emulator", () => {
  let fx: StartedAlibabaFixture;
  before(async () => {
    fx = await startAlibabaFixture();
  });
  after(async () => {
    await fx?.close();
  });

  /** One ::error:: line, exit 1, no stack trace and no mutating call; returns the requests it made. */
  async function fails(inputs: Record<string, string | undefined>, message: string, env = {}) {
    const before = fx.stack.alibaba.requests.length;
    const given = Object.entries(inputs).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const result = await fx.run("fc-deploy", Object.fromEntries(given), { env });
    const errors = result.annotations.filter((a) => a.level === "error").map((a) => a.message);
    const made = fx.stack.alibaba.requests.slice(before);
    callsMade += made.filter(isMutatingFcCall).length;
    cases.record(result.exitCode === 1 && errors.length === 1 && errors[0] === message);
    assert.equal(result.exitCode, 1, result.stdout + result.stderr);
    assert.deepEqual(errors, [message]);
    assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at /, "no stack trace");
    assert.deepEqual(made.filter(isMutatingFcCall), []);
    return made;
  }

  it("no credentials: no call at all", async () => {
    const message =
      "credentials are required: set role-to-assume + oidc-provider-arn (GitHub OIDC, no stored key; needs `permissions: id-token: write`) or access-key-id + access-key-secret.";
    assert.deepEqual(await fails({ ...valid(), ...NO_KEY }, message), [], "no request reached Alibaba Cloud");
  });

  // Sign-in failures: Alibaba Cloud's answer, explained.
  const oidc = () => ({
    ...valid(),
    ...NO_KEY,
    "role-to-assume": fx.deployer.arn,
    "oidc-provider-arn": fx.providerArn,
  });

  it("a job whose subject the deployer role does not trust (another branch)", async () => {
    await fails(
      oidc(),
      `role-to-assume: AssumeRoleWithOIDC for ${fx.deployer.arn} via ${fx.providerArn} failed (NoPermission): the role's trust policy does not allow this GitHub job: trust the OIDC provider with a condition on oidc:sub such as repo:ORG/REPO:ref:refs/heads/main.`,
      fx.stack.githubOidc.envFor({ repository: REPOSITORY, ref: "refs/heads/feature" }),
    );
  });

  it("an audience that is not a client ID of the OIDC provider", async () => {
    await fails(
      { ...oidc(), "oidc-audience": "api://somewhere-else" },
      `role-to-assume: AssumeRoleWithOIDC for ${fx.deployer.arn} via ${fx.providerArn} failed (AuthenticationFail.OIDCToken.AudienceMismatch): the token's audience is not one of the OIDC provider's client IDs: set oidc-audience to a client ID of the provider (default sts.aliyuncs.com).`,
      fx.stack.githubOidc.envFor({ repository: REPOSITORY }),
    );
  });

  it("an AccessKey secret that does not match its id", async () => {
    await fails(
      { ...valid(), "access-key-id": fx.accessKey.id, "access-key-secret": `${fx.accessKey.secret}x` },
      "access-key-id / access-key-secret were refused by Function Compute (SignatureDoesNotMatch): check that the pair belongs together and is enabled.",
    );
  });
});
