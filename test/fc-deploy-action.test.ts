// fc-deploy run as the runner runs it, against the Alibaba emulator (FC 3.0, STS, OSS-like PUT) and
// the local GitHub OIDC issuer: the "done when" list, one test each.
import assert from "node:assert/strict";
import { chmod, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  BUCKET,
  examplesDir,
  IMAGE,
  type StartedAlibabaFixture,
  startAlibabaFixture,
} from "./emulators/alibaba/fixture.ts";
import { isMutatingFcCall } from "./emulators/alibaba/server.ts";
import type { EmulatorStack } from "./emulators/stack.ts";
import { printFigure } from "./reliability/figures.ts";
import { assertUserFailure, type StepResult } from "./runner/index.ts";
import { passed } from "./support/passed.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

let fx: StartedAlibabaFixture;
let stack: EmulatorStack;
const runs: StepResult[] = [];

before(async () => {
  fx = await startAlibabaFixture();
  stack = fx.stack;
});
after(async () => {
  await fx?.close();
});

function payload(objectName: string, message: string): string {
  return JSON.stringify({ endpoint: stack.alibaba.url, bucket: BUCKET, objectName, message });
}

function oidcInputs(): Record<string, string> {
  return { "oidc-provider-arn": fx.providerArn, "role-to-assume": fx.deployer.arn };
}

/** Runs fc-deploy in a job whose workspace is a checkout of `checkout` (examples/alibaba-fc by default). */
async function deploy(
  inputs: Record<string, string>,
  oidc = true,
  checkout = examplesDir,
): Promise<StepResult> {
  // Debug logging on: whatever the SDKs print goes to the log too, and must not show a secret.
  const run = await fx.deploy(inputs, { oidc, checkout, debug: true });
  runs.push(run);
  return run;
}

/** The AccessKey sign-in, for the runs without GitHub OIDC. */
function keyInputs(): Record<string, string> {
  return { "access-key-id": fx.accessKey.id, "access-key-secret": fx.accessKey.secret };
}

/** The run succeeded and its test invoke wrote `text` to `object` in OSS with the function role's credentials. */
function assertRoleWrote(run: StepResult, object: string, text: string): void {
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  assert.deepEqual(JSON.parse(run.outputs["invoke-result"] ?? ""), {
    status: 200,
    object: `${BUCKET}/${object}`,
    credentials: "role",
  });
  assert.equal(stack.alibaba.state.buckets.get(BUCKET)?.objects.get(object)?.toString(), text);
}

/** Runs `body` with a fresh temporary folder, removed afterwards. */
async function inTempDir(prefix: string, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function codeInputs(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    function: name,
    "code-path": "function",
    runtime: "nodejs20",
    handler: "index.handler",
    ...extra,
  };
}

describe("fc-deploy", () => {
  it("deploys with a role (GitHub OIDC, no stored key); the test invoke writes to OSS with the role's temporary credentials; a re-run with nothing changed makes zero mutating calls, says so, and outputs changed=false", async () => {
    const inputs = {
      ...oidcInputs(),
      ...codeInputs("oss-writer", { role: fx.functionRole.arn, env: "GREETING=hi\n# comment\nMODE=test" }),
      invoke: payload("from-code.txt", "written by the function role"),
    };
    const run = await deploy(inputs);
    assertRoleWrote(run, "from-code.txt", "written by the function role");
    assert.equal(run.outputs.changed, "true");
    assert.equal(
      run.outputs["function-arn"],
      `acs:fc:cn-hangzhou:${stack.alibaba.state.accountId}:functions/oss-writer`,
    );
    const fn = stack.alibaba.state.functions.get("oss-writer")?.body;
    assert.deepEqual(fn?.environmentVariables, { GREETING: "hi", MODE: "test" });
    assert.match(
      run.stdout,
      /Signed in as acs:ram::\d+:assumed-role\/github-deployer\/fngate-fc-deploy with the GitHub OIDC token/,
    );
    assert.match(run.summary, /created/);

    const before = stack.alibaba.requests.length;
    const again = await deploy(inputs);
    assert.equal(again.exitCode, 0, again.stdout + again.stderr);
    assert.equal(again.outputs.changed, "false");
    assert.match(again.stdout, /Function oss-writer is up to date: nothing changed, no update made\./);
    const calls = stack.alibaba.requests.slice(before);
    assert.deepEqual(calls.filter(isMutatingFcCall), []);
    // Signing in, reading the function and the requested test invoke are all the step did; the
    // OSS PUT is the function's own call during that invoke.
    assert.deepEqual([...new Set(calls.map((call) => call.operation))].sort(), [
      "GetFunction",
      "InvokeFunction",
      "OSS:PutObject",
      "STS:AssumeRoleWithOIDC",
    ]);
  });

  it("updates only what changed: memory, then the role; without its role (a managed field) the function's OSS call is refused", async () => {
    const inputs = {
      ...oidcInputs(),
      ...codeInputs("oss-writer", { env: "GREETING=hi\nMODE=test", memory: "1024" }),
    };
    const first = passed(await deploy({ ...inputs, role: fx.functionRole.arn }));
    assert.equal(first.outputs.changed, "true");
    assert.match(first.stdout, /Updating function oss-writer: memory changed/);

    const run = await deploy({ ...inputs, invoke: payload("after-removal.txt", "should not be written") });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    // Everything else as the update above left it: only the role differs (an update is no lasting change).
    assert.match(run.stdout, /Updating function oss-writer: role changed/);
    // With no role the function gets no credentials, and its OSS call is refused.
    assert.deepEqual(JSON.parse(run.outputs["invoke-result"] ?? ""), {
      status: 403,
      code: "AccessDenied",
      object: `${BUCKET}/after-removal.txt`,
      credentials: "none",
    });
    assert.equal(stack.alibaba.state.buckets.get(BUCKET)?.objects.has("after-removal.txt"), false);
  });

  /** Refused at deploy by FC or RAM: the one line, and no function made. */
  const refusals: Record<string, () => [inputs: Record<string, string>, oidc: boolean, message: string]> = {
    "a role that does not trust FC is refused at deploy with the explained message, and nothing is created":
      () => [
        { ...oidcInputs(), ...codeInputs("untrusted", { role: fx.untrustedRole.arn }) },
        true,
        `role: ${fx.untrustedRole.arn} does not trust Function Compute: add fc.aliyuncs.com to the role's trust policy (Principal.Service) so FC can assume it.`,
      ],
    "a role that does not exist is explained": () => {
      const missing = `acs:ram::${stack.alibaba.state.accountId}:role/no-such-role`;
      return [
        { ...oidcInputs(), ...codeInputs("missing-role", { role: missing }) },
        true,
        `role: ${missing} does not exist: create it in RAM (trusted entity: Alibaba Cloud service, Function Compute) or fix the ARN.`,
      ];
    },
    "a deployer without ram:PassRole is explained": () => [
      {
        ...codeInputs("no-pass", { role: fx.functionRole.arn }),
        "access-key-id": fx.noPassRoleKey.id,
        "access-key-secret": fx.noPassRoleKey.secret,
      },
      false,
      `role: the deploying identity may not pass ${fx.functionRole.arn} to Function Compute: grant it ram:PassRole on that role (e.g. a RAM policy with Action ram:PassRole and Resource ${fx.functionRole.arn}).`,
    ],
    "an image FC cannot pull is explained": () => [
      { function: "bad-image", image: "registry.cn-hangzhou.aliyuncs.com/fngate/missing:v9", ...keyInputs() },
      false,
      "image: Function Compute cannot pull the image (image registry.cn-hangzhou.aliyuncs.com/fngate/missing:v9 does not exist or cannot be pulled): check the ACR image reference and that the image exists.",
    ],
  };
  for (const [name, refusal] of Object.entries(refusals)) {
    it(name, async () => {
      const [inputs, oidc, message] = refusal();
      const before = stack.alibaba.requests.length;
      assertUserFailure(await deploy(inputs, oidc), message, fx.secrets());
      assert.equal(stack.alibaba.state.functions.has(inputs.function ?? ""), false);
      const made = stack.alibaba.requests.slice(before).filter((c) => isMutatingFcCall(c) && c.status < 400);
      assert.deepEqual(made, []);
    });
  }

  it("deploys a custom container image with an AccessKey; the container gets the role's credentials in x-fc-* headers", async () => {
    const inputs = {
      function: "oss-writer-image",
      image: IMAGE,
      role: fx.functionRole.arn,
      ...keyInputs(),
      invoke: payload("from-image.txt", "written by the container"),
    };
    const run = await deploy(inputs, false);
    assertRoleWrote(run, "from-image.txt", "written by the container");
    const rerun = await deploy(inputs, false);
    assert.equal(rerun.outputs.changed, "false");
  });

  it("deploys the same folder on a custom runtime: bootstrap stays executable, credentials arrive in x-fc-* headers", async () => {
    const run = await deploy(
      {
        ...codeInputs("oss-writer-custom", { runtime: "custom.debian10", role: fx.functionRole.arn }),
        ...keyInputs(),
        invoke: payload("from-custom-runtime.txt", "written by the custom runtime"),
      },
      false,
    );
    assertRoleWrote(run, "from-custom-runtime.txt", "written by the custom runtime");
  });

  it("a custom runtime whose bootstrap is not executable fails its invoke the way FC does", async () => {
    await inTempDir("fc-bootstrap-", async (dir) => {
      await cp(join(examplesDir, "function"), dir, { recursive: true });
      await chmod(join(dir, "bootstrap"), 0o644);
      const inputs = codeInputs("not-executable", { runtime: "custom.debian10", "code-path": "." });
      const run = await deploy({ ...inputs, ...keyInputs(), invoke: "{}" }, false, dir);
      assertUserFailure(
        run,
        'invoke: the function failed (UnhandledInvocationError): {"errorMessage":"bootstrap: permission denied (chmod +x bootstrap)","errorType":"BootstrapNotExecutable"}',
        fx.secrets(),
      );
    });
  });

  it("a test invoke whose function throws fails the step with the function's error, after the deploy", async () => {
    await inTempDir("fc-throws-", async (dir) => {
      await writeFile(
        join(dir, "index.mjs"),
        "export const handler = async () => { throw new TypeError('bucket is required'); };\n",
      );
      const inputs = { ...oidcInputs(), ...codeInputs("throws", { "code-path": "." }), invoke: "{}" };
      const run = await deploy(inputs, true, dir);
      assertUserFailure(
        run,
        'invoke: the function failed (UnhandledInvocationError): {"errorMessage":"bucket is required","errorType":"TypeError"}',
        fx.secrets(),
      );
      assert.equal(stack.alibaba.state.functions.has("throws"), true, "the deploy itself went through");
    });
  });

  it("no AccessKey secret, STS secret or token, or GitHub OIDC token appears in any output, log, summary or file", () => {
    const secrets = fx.secrets();
    assert.ok(stack.alibaba.state.oidcTokensSeen.length > 0 && stack.alibaba.state.stsCredentials.size > 0);
    let bytes = 0;
    let found = 0;
    for (const run of runs) {
      const shown = shownByStep(run);
      bytes += Buffer.byteLength(shown);
      const leaks = secretsFound(shown, secrets);
      found += leaks.length;
      assert.deepEqual(leaks, [], `a secret shows in ${run.action}'s output`);
    }
    printFigure(
      "FC-R1",
      "fc-deploy secrets (AccessKey secrets, STS secrets and tokens, GitHub OIDC tokens; debug logging on)",
      `${found} secret occurrences in ${bytes.toLocaleString("en-US")} bytes over ${runs.length} runs (${secrets.length} secrets)`,
    );
  });
});
