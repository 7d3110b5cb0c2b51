// Every problem with an action's inputs is named in one message, before the environment (the OCI
// profile) is looked at: a user with three mistakes learns all three from one run (issue 17). Missing
// and refused inputs are listed together, each with its fix; an input refused does not draw a second,
// follow-on error about an input that is fine; one problem alone reads as it always did. In process
// through both adapters (test/support/input-table.ts), then once as a real process per adapter: the
// bundled action and the built CLI.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertCliFailure, assertUserFailure, runAction } from "./runner/index.ts";
import { cliSandbox } from "./support/cli-process.ts";
import { actionRefusal, cliRefusal, cliVerdict } from "./support/input-table.ts";

/** The refusal as each adapter words it, in process (test/support/input-table.ts). */
const adapters = {
  action: (action: string, inputs: Record<string, string>) => actionRefusal(action, { inputs }),
  cli: (action: string, inputs: Record<string, string>) => cliRefusal(action, { inputs }),
};

/** A message listing `count` problems, one of which matches each fragment (in either adapter's words). */
function assertGathered(message: string, count: number, fragments: readonly RegExp[]): void {
  assert.match(message, new RegExp(`^${count} inputs need fixing: \\(1\\) `), message);
  assert.ok(message.includes(`(${count}) `) && !message.includes(`(${count + 1}) `), message);
  for (const fragment of fragments) assert.match(message, fragment);
  assert.doesNotMatch(message, /[\r\n]/);
}

const OCID = {
  tenancy: "ocid1.tenancy.oc1..aaaaaaaaexampletenancy",
  gateway: "ocid1.apigateway.oc1.ap-tokyo-1.aaaaaaaaexamplegateway",
};

interface GatheredCase {
  action: string;
  inputs: Record<string, string>;
  /** One fragment per problem, worded so it matches the action's and the CLI's message. */
  problems: RegExp[];
}

/** fn-context with two inputs missing and one refused: its exact wording in each adapter, below. */
const FN_CONTEXT = { "tenancy-ocid": OCID.tenancy, region: "ap-tokyo-1", verify: "maybe" };

// Every other action with at least one case of two or more problems: missing and refused together, or
// two refused. No OCI profile is given anywhere: the message is about the inputs only.
const CASES: Record<string, GatheredCase> = {
  "fn-deploy: one missing, two refused": {
    action: "fn-deploy",
    inputs: { memory: "lots", timeout: "-1" },
    problems: [
      /(--)?application is required/,
      /memory must be a whole number; got "lots"/,
      /timeout must be a whole number; got "-1"/,
    ],
  },
  "gateway-deploy: missing, a bad boolean and a bad run label": {
    action: "gateway-deploy",
    inputs: { deployment: "api", wait: "soon", "run-label": "Not A Label" },
    problems: [
      /(--)?gateway-ocid is required/,
      /wait must be true or false; got "soon"/,
      /run-label must be 1-63 lowercase/,
    ],
  },
  "ocir-login: missing region, a bad boolean": {
    action: "ocir-login",
    inputs: { logout: "sometimes" },
    problems: [/(--)?region is required/, /logout must be true or false; got "sometimes"/],
  },
  "entra-token: missing and a bad boolean": {
    action: "entra-token",
    inputs: { "client-id": "a1b2c3", scope: "api://x/.default", federated: "yes" },
    problems: [/(--)?tenant-id is required/, /federated must be true or false; got "yes"/],
  },
  "oci-token: several missing (it has no value to refuse before a call)": {
    action: "oci-token",
    inputs: { region: "ap-tokyo-1" },
    problems: [/credential-secret/, /credential-ocid/],
  },
  // Its one value check (token-format with audience) is a single field; here two refused texts.
  "gcp-id-token: two values no input may hold": {
    action: "gcp-id-token",
    inputs: {
      audience: "https://hello.example.com\nsecond",
      "workload-identity-provider": "projects/1\u001b[2J",
    },
    problems: [
      /(--)?audience contains a line feed/,
      /(--)?workload-identity-provider contains an escape character/,
    ],
  },
  "cloud-run-deploy: missing and two refused": {
    action: "cloud-run-deploy",
    inputs: {
      project: "p",
      region: "asia-northeast1",
      image: "gcr.io/p/i:1",
      "allow-unauthenticated": "yes",
      "run-label": "UPPER",
    },
    problems: [
      /(--)?service is required/,
      /allow-unauthenticated must be true or false; got "yes"/,
      /run-label must be 1-63 lowercase/,
    ],
  },
  "smoke-test: missing url and three refused": {
    action: "smoke-test",
    inputs: { method: "FETCH", wait: "9999", "expect-status": "ok" },
    problems: [
      /method "FETCH" must be one of/,
      /expect-status must be HTTP status codes/,
      /wait must be a number of seconds from 0 to 3600; got "9999"/,
      /(--)?url is required/,
    ],
  },
  "fc-deploy: missing region and three refused": {
    action: "fc-deploy",
    inputs: {
      function: "9-starts-with-a-digit",
      "code-path": ".",
      runtime: "cobol",
      handler: "index.handler",
      memory: "100",
      "access-key-id": "LTAIexample",
    },
    problems: [
      /(--)?region is required/,
      /function must be 1-64 letters/,
      /runtime must be a Function Compute 3.0 runtime/,
      /memory must be a whole number from 128 to 32768; got "100"/,
      /credentials are required/,
    ],
  },
  "preflight cloud fc: missing region and two refused": {
    action: "preflight",
    inputs: { cloud: "fc", "account-id": "12", "acr-instance-id": "cri-x", "access-key-id": "LTAIexample" },
    problems: [
      /account-id must be the Alibaba Cloud account UID/,
      /acr-instance-id applies to image only/,
      /(--)?region is required/,
      /credentials are required/,
    ],
  },
  "teardown cloud oci: two refused, before the missing OCI profile": {
    action: "teardown",
    inputs: { cloud: "oci", "run-label": "Bad Label", "compartment-ocid": "ocid1.bucket.oc1..aaaa" },
    problems: [/run-label must be 1-63 lowercase/, /compartment-ocid/],
  },
  "pipeline: across stages, under its own names": {
    action: "pipeline",
    inputs: {
      region: "ap-tokyo-1",
      verify: "maybe",
      method: "FETCH",
      memory: "lots",
      "run-label": "Bad Label",
      rollout: "canary",
    },
    problems: [
      /tenancy-ocid is required/,
      /rollout must be one of verify-then-promote, direct \(.*\); got "canary"/,
      /verify must be true or false/,
      /memory must be a whole number/,
      /method "FETCH"/,
      /run-label must be/,
    ],
  },
};

describe("every problem with the inputs in one message, before the environment", () => {
  for (const [name, { action, inputs, problems }] of Object.entries(CASES)) {
    for (const adapter of ["action", "cli"] as const) {
      it(`${name} (${adapter})`, async () => {
        const message = await adapters[adapter](action, inputs);
        assert.doesNotMatch(message, /OCI profile/, "the environment comes after the inputs");
        if (action === "oci-token") {
          assert.match(
            message,
            /credential-secret and --?credential-ocid are required|credential-secret and credential-ocid are required/,
          );
          return;
        }
        const count = action === "pipeline" ? countOf(message) : problems.length;
        assertGathered(message, count, problems);
      });
    }
  }
});

/** The pipeline lists every stage's missing input too; its count is what it says, checked to be consistent. */
function countOf(message: string): number {
  const count = Number(/^(\d+) inputs need fixing/.exec(message)?.[1]);
  assert.ok(count >= 5, message);
  return count;
}

describe("the wording", () => {
  it("lists each problem with its fix, numbered, as the runner shows it", async () => {
    assert.equal(
      await adapters.action("fn-context", FN_CONTEXT),
      '3 inputs need fixing: (1) user-ocid is required: set the input (or the OCI_CLI_USER environment variable). (2) private-key is required: set the input (or the OCI_CLI_KEY_CONTENT environment variable). (3) verify must be true or false; got "maybe".',
    );
  });

  it("and as the CLI shows it: flags, and exit 1 (the command line itself was fine)", async () => {
    const verdict = await cliVerdict("fn-context", { inputs: FN_CONTEXT });
    assert.ok(verdict.outcome === "refused" && verdict.exitCode === 1, JSON.stringify(verdict));
    // Missing inputs alone stay a usage error (exit 2), as before.
    const missingOnly = await cliVerdict("fn-context", { inputs: { region: "ap-tokyo-1" } });
    assert.ok(missingOnly.outcome === "refused" && missingOnly.exitCode === 2, JSON.stringify(missingOnly));
    assert.equal(
      await adapters.cli("fn-context", FN_CONTEXT),
      '3 inputs need fixing: (1) --user-ocid is required: pass --user-ocid <value> or set FNGATE_USER_OCID (or OCI_CLI_USER). (2) --private-key is required: set FNGATE_PRIVATE_KEY or pass --private-key-file <path> (or OCI_CLI_KEY_CONTENT). (3) --verify must be true or false; got "maybe".',
    );
  });

  it("missing inputs alone: all named in one line, before the missing OCI profile, in each adapter's words", async () => {
    assert.equal(
      await adapters.action("gateway-deploy", {}),
      "gateway-ocid and deployment are required: set these inputs.",
    );
    assert.equal(
      await adapters.action("fn-context", {}),
      "user-ocid, private-key, tenancy-ocid and region are required: set these inputs (or take user-ocid from OCI_CLI_USER, private-key from OCI_CLI_KEY_CONTENT, tenancy-ocid from OCI_CLI_TENANCY, region from OCI_CLI_REGION).",
    );
    const pipeline = await adapters.action("pipeline", {});
    for (const name of ["tenancy-ocid", "application", "gateway-ocid", "deployment", "entra-tenant-id"])
      assert.ok(pipeline.includes(name), `${name} in: ${pipeline}`);
    assert.match(pipeline, /are required: set these inputs/);
    assert.equal(
      await adapters.cli("gateway-deploy", {}),
      "--gateway-ocid and --deployment are required: pass each as --<name> <value> or set FNGATE_<NAME>. (fngate gateway-deploy --help)",
    );
  });

  it("one problem alone reads as it always did", async () => {
    assert.equal(
      await adapters.action("gateway-deploy", { deployment: "api" }),
      "gateway-ocid is required: set the input.",
    );
    // A bad value is named before the missing profile (gateway-deploy plans its inputs while parsing).
    assert.equal(
      await adapters.action("gateway-deploy", {
        "gateway-ocid": "ocid1.apigateway.oc1..x",
        deployment: "api",
      }),
      'gateway-ocid is not a valid OCID: expected ocid1.apigateway.oc1..aaaa…; got "ocid1.apigateway.oc1..x".',
    );
    assert.equal(
      await adapters.action("fn-deploy", { application: "app", memory: "lots" }),
      'memory must be a whole number; got "lots".',
    );
    assert.equal(
      await adapters.cli("ocir-login", {}),
      "--region is required: pass --region <value> or set FNGATE_REGION (or OCI_CLI_REGION). (fngate ocir-login --help)",
    );
  });

  it("several refused values in the text checks are named at once too (never the values)", async () => {
    const secret = "s3cret-client-value\nsecond";
    const message = await adapters.action("entra-token", {
      "client-secret": secret,
      "authority-host": "https://me:hunter22@login.example.com",
    });
    assert.match(
      message,
      /^2 inputs need fixing: \(1\) client-secret contains a line feed .* \(2\) authority-host must not carry a user name or password/,
    );
    assert.ok(!message.includes("s3cret") && !message.includes("hunter22"), message);
  });
});

describe("a refused input draws no follow-on error about a fine one", () => {
  it("fc-deploy: image and code-path both set: runtime is not also blamed for coming with an image", async () => {
    const message = await adapters.action("fc-deploy", {
      region: "cn-hangzhou",
      function: "hello",
      image: "registry.cn-hangzhou.aliyuncs.com/ns/hello:1",
      "code-path": ".",
      runtime: "nodejs20",
      handler: "index.handler",
      "access-key-id": "LTAIexample",
      "access-key-secret": "not-shown-secret-value",
      memory: "1",
    });
    assertGathered(message, 2, [
      /image and code-path are exclusive/,
      /memory must be a whole number from 128/,
    ]);
    assert.doesNotMatch(message, /applies to code-path only/);
  });

  it("smoke-test: an unknown negative check is not also checked for its token inputs", async () => {
    const message = await adapters.action("smoke-test", {
      url: "https://api.example.com/hello",
      "negative-checks": "refused-token, made-up-check",
      wait: "-5",
    });
    assertGathered(message, 2, [
      /negative-checks: unknown check "made-up-check"/,
      /wait must be a number of seconds/,
    ]);
    assert.doesNotMatch(message, /negative-checks lists refused-token/);
  });

  it("a refused input that decides which others apply (cloud, skip, auth) is named alone", async () => {
    assert.match(
      await adapters.action("preflight", { cloud: "aws", "account-id": "12" }),
      /^cloud must be one of oci, cloud-run, fc .*got "aws"\.$/,
    );
    assert.match(
      await adapters.action("teardown", { cloud: "azure", "run-label": "run-1" }),
      /^cloud must be one of .*got "azure"\.$/,
    );
    assert.match(
      await adapters.action("pipeline", { skip: "fn-contxt", preflight: "maybe", verify: "maybe" }),
      /^2 inputs need fixing: \(1\) preflight must be true or false; got "maybe"\. \(2\) skip: unknown stage "fn-contxt"; [^()]*$/,
    );
    // auth: OIDC (not oidc): neither set of credential inputs is asked for, the rest still is.
    assert.equal(
      await adapters.action("fn-context", { auth: "OIDC", "tenancy-ocid": OCID.tenancy }),
      '2 inputs need fixing: (1) auth must be api-key (an API signing key) or oidc (GitHub OIDC exchanged at an identity domain); got "OIDC". (2) region is required: set the input (or the OCI_CLI_REGION environment variable).',
    );
  });

  it("the environment is named once the inputs are right", async () => {
    assert.match(
      await adapters.action("teardown", {
        cloud: "oci",
        "run-label": "run-1",
        "compartment-ocid": OCID.tenancy,
      }),
      /^no OCI profile: /,
    );
    const target = {
      "gateway-ocid": OCID.gateway,
      deployment: "api",
      "compartment-ocid": OCID.tenancy,
      "function-id": "ocid1.fnfunc.oc1.ap-tokyo-1.aaaaaaaaexamplefunction",
      audiences: "api://fngate-example",
    };
    const gateway = { ...target, "entra-tenant-id": "72f988bf-86f1-41af-91ab-2d7cd011db47" };
    const httpKeys = {
      ...target,
      issuers: "https://issuer.example/",
      "jwks-uri": "http://keys.example/jwks",
    };
    assert.match(await adapters.action("gateway-deploy", gateway), /^no OCI profile: /);
    // A bad value of the plan (routes, auth) is named before the profile too, and with the others.
    assert.match(await adapters.action("gateway-deploy", httpKeys), /^jwks-uri must be an https:\/\/ URL/);
    assert.match(
      await adapters.action("gateway-deploy", {
        ...httpKeys,
        wait: "maybe",
      }),
      /^2 inputs need fixing: .*jwks-uri.*wait must be true or false|^2 inputs need fixing: .*wait must be true or false.*jwks-uri/,
    );
  });

  it("an OCI_CLI_CONFIG_FILE naming a file that is gone is no profile, and the message says which file", async () => {
    const env = { OCI_CLI_CONFIG_FILE: "/nonexistent/fngate/config" };
    const inputs = { cloud: "oci", "run-label": "run-1", "compartment-ocid": OCID.tenancy };
    assert.equal(
      await actionRefusal("teardown", { inputs, env }),
      "no OCI profile: OCI_CLI_CONFIG_FILE names /nonexistent/fngate/config, which does not exist; run fn-context first in this job (it writes ~/.oci/config and exports OCI_CLI_CONFIG_FILE and OCI_CLI_PROFILE).",
    );
    assert.equal(
      await cliRefusal("teardown", { inputs, env }),
      "no OCI profile: OCI_CLI_CONFIG_FILE names /nonexistent/fngate/config, which does not exist; run `fngate fn-context` first (it writes ~/.oci/config), or set OCI_CLI_CONFIG_FILE.",
    );
  });
});

describe("as a real process: one line, exit 1, no stack, no secret, deadline-minutes included", () => {
  const secret = `gathered-access-key-secret-${process.pid}`;
  const fcInputs = {
    region: "cn-hangzhou",
    function: "9-starts-with-a-digit",
    "code-path": ".",
    runtime: "nodejs20",
    handler: "index.handler",
    memory: "100",
    "access-key-id": "LTAIexample",
    // Read by the adapter before the parser (it starts the deadline), and named with the others.
    "deadline-minutes": "0",
  };
  const expected =
    /^3 inputs need fixing: \(1\) (--)?deadline-minutes must be a number of minutes above 0 .* \(2\) function must be 1-64 letters.* \(3\) memory must be a whole number from 128 to 32768; got "100"\.$/;

  it("the bundled fc-deploy action: one ::error:: annotation", async () => {
    const run = await runAction("fc-deploy", {
      inputs: { ...fcInputs, "access-key-secret": secret },
    });
    assertUserFailure(run.main, expected, [secret]);
  });

  it("the built CLI: one error line, exit 1", async () => {
    await using sandbox = await cliSandbox();
    const args = ["fc-deploy", ...Object.entries(fcInputs).flatMap(([name, value]) => [`--${name}`, value])];
    const run = await sandbox.run(args, { FNGATE_ACCESS_KEY_SECRET: secret });
    assertCliFailure(run, expected, { exitCode: 1, secrets: [secret] });
  });
});
