// What text an input may hold, decided in one place for both adapters (src/inputs): control
// characters refused in single-line inputs and kept out of multi-line ones except line breaks and
// tabs, credentials in URLs refused. Decision tables in process; the built actions and CLI are run
// with the same values by the R7 suite (test/reliability/r7/input-hygiene.cases.ts).
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ACTION_METADATA, envName } from "../src/cli/action-metadata.ts";
import { cliInputs } from "../src/cli/cli-inputs.ts";
import { ciOidcToken } from "../src/cli/oidc-token.ts";
import { createRedactor } from "../src/cli/redactor.ts";
import { isUserError } from "../src/errors.ts";
import { checkActionInputs } from "../src/github/action-reader.ts";
import { carriesCredentials, checkInputText, forbiddenCharacterAt } from "../src/inputs/check-input-text.ts";
import { INPUT_SHAPES, inputShape } from "../src/inputs/input-shapes.ts";
import { PIPELINE_RENAMES, STAGES } from "../src/inputs/pipeline-stages.ts";
import { actionRefusal, cliRefusal } from "./support/input-table.ts";
import { pemArmor } from "./support/keys.ts";

/** The refusal's message; fails when `run` does not throw a UserError. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(isUserError(error), `a UserError, got ${String(error)}`);
    return error.message;
  }
  assert.fail("expected a refusal");
}

const SINGLE = { multiLine: false, holds: "text" } as const;
const MULTI = { multiLine: true, holds: "text" } as const;

describe("control characters", () => {
  const table: [string, string, number, number][] = [
    // value, description, index in a single-line input, index in a multi-line input
    ["plain value", "plain text", -1, -1],
    ["a\nb", "line feed", 1, -1],
    ["a\r\nb", "CRLF", 1, -1],
    ["a\tb", "tab", 1, -1],
    ["a\u0000b", "NUL", 1, 1],
    ["a\u001b[31mred", "escape", 1, 1],
    ["a\u007fb", "DEL", 1, 1],
    ["a\u0085b", "NEL (C1)", 1, 1],
    ["a\u009bb", "CSI (C1)", 1, 1],
    ["a\u2028b", "line separator", 1, -1],
    ["a\u2029b", "paragraph separator", 1, -1],
    ["ünïcødé ✓ 日本", "ordinary non-ASCII", -1, -1],
  ];
  for (const [value, description, single, multi] of table) {
    it(`${description}: single-line ${single < 0 ? "accepts" : "refuses"}, multi-line ${multi < 0 ? "accepts" : "refuses"}`, () => {
      assert.equal(forbiddenCharacterAt(value, false), single);
      assert.equal(forbiddenCharacterAt(value, true), multi);
    });
  }

  it("the refusal names the input, the character and where it is, never the value", () => {
    const secret = "s3cret-value-1234\nsecond-line";
    const message = refusal(() => checkInputText("client-secret", secret, SINGLE));
    assert.equal(
      message,
      "client-secret contains a line feed (U+000A) at character 18: it takes a single line of text; remove the character.",
    );
    assert.ok(!message.includes("s3cret"));
    assert.match(
      refusal(() => checkInputText("private-key", "-----BEGIN\n\u0000", MULTI)),
      /^private-key contains a NUL character \(U\+0000\) at character 12: remove it \(line breaks and tabs are fine/,
    );
  });
});

describe("credentials in URLs", () => {
  const table: [string, "url" | "image", boolean][] = [
    ["https://user:pass@api.example.com/x", "url", true],
    ["https://user@api.example.com", "url", true],
    ["HTTPS://u:p@h", "url", true],
    ["user:pass@ocir.example.com/ns", "url", true],
    ["user:pass@registry.example.com", "url", true],
    ["https://a.example.com/v2.0, https://u:p@b.example.com/", "url", true],
    ["https://a.example.com\nhttps://u:p@b.example.com/", "url", true],
    ["https://api.example.com/path@v1?q=a@b#x@y", "url", false],
    ["api://my-oci-api/.default", "url", false],
    ["https://x.analytics.ocp.oraclecloud.comurn:opc:resource:consumer::all", "url", false],
    ["login.microsoftonline.com:443", "url", false],
    ["ocir.ap-tokyo-1.oci.oraclecloud.com/nrt/prefix", "url", false],
    ["sts.aliyuncs.com", "url", false],
    ["u:p@registry.example.com/ns/hello:1", "image", true],
    ["https://u:p@registry.example.com/ns/hello:1", "image", true],
    ["registry.example.com:5000/ns/hello@sha256:0123", "image", false],
    ["busybox@sha256:0123", "image", false],
    ["hello:1.0.0", "image", false],
  ];
  for (const [value, holds, refused] of table) {
    it(`${holds} ${JSON.stringify(value)}: ${refused ? "refused" : "accepted"}`, () => {
      assert.equal(carriesCredentials(value, holds), refused);
    });
  }

  it("the refusal names the input and shows neither user nor password", () => {
    const message = refusal(() =>
      checkInputText("jwks-uri", "https://ci:hunter2-secret@keys.example.com/jwks", {
        multiLine: false,
        holds: "url",
      }),
    );
    assert.match(message, /^jwks-uri must not carry a user name or password/);
    assert.ok(!/hunter2|ci:|keys\.example/.test(message), message);
  });

  it("a text input may hold an @ (an e-mail user name)", () => {
    checkInputText("username", "ci@example.com", SINGLE);
  });
});

describe("the declaration of input shapes", () => {
  const hintsMultiLine =
    /per line|newline or comma|new lines|VALUE lines|\bPEM\b(?! text)|YAML list|file's JSON/;

  it("covers every action, and names only inputs the action has", () => {
    assert.deepEqual(Object.keys(INPUT_SHAPES).sort(), Object.keys(ACTION_METADATA).sort());
    for (const [action, shapes] of Object.entries(INPUT_SHAPES)) {
      const names = new Set(ACTION_METADATA[action]?.inputs.map((input) => input.name));
      for (const name of [...shapes.multiLine, ...shapes.urls, ...shapes.images]) {
        assert.ok(names.has(name), `${action} has no input ${name}`);
      }
    }
  });

  it("declares multi-line every input whose description asks for lines, PEM, YAML or a JSON file", () => {
    for (const [action, metadata] of Object.entries(ACTION_METADATA)) {
      for (const input of metadata.inputs) {
        if (hintsMultiLine.test(input.description)) {
          assert.ok(inputShape(action, input.name).multiLine, `${action} ${input.name} is multi-line`);
        }
      }
    }
  });

  it("gives the pipeline's inputs the shapes of the stage inputs they are", () => {
    for (const stage of STAGES) {
      for (const input of ACTION_METADATA[stage]?.inputs ?? []) {
        const renamed = PIPELINE_RENAMES[stage][input.name];
        if (renamed === null) continue;
        assert.deepEqual(
          inputShape("pipeline", renamed ?? input.name),
          inputShape(stage, input.name),
          `${stage} ${input.name}`,
        );
      }
    }
  });
});

/** Every input of every action with a value that breaks its rule, and the label the refusal names. */
function hostileValues(action: string): { name: string; value: string }[] {
  return (ACTION_METADATA[action]?.inputs ?? []).map(({ name }) => ({
    name,
    value: inputShape(action, name).multiLine ? "first line\n\u0000" : "first\nsecond",
  }));
}

describe("the action reader checks every INPUT_* before anything reads one", () => {
  for (const action of Object.keys(ACTION_METADATA)) {
    it(`${action}: every input, single- and multi-line`, async () => {
      for (const { name, value } of hostileValues(action)) {
        // Through runMain's order (test/support/input-table.ts): refused before a required input is missed.
        assert.match(
          await actionRefusal(action, { inputs: { [name]: value } }),
          new RegExp(`^${name} contains `),
        );
      }
      const multiLine = INPUT_SHAPES[action]?.multiLine ?? [];
      const fine = Object.fromEntries(multiLine.map((name) => [`INPUT_${name.toUpperCase()}`, "a\r\n\tb\n"]));
      checkActionInputs(action, { ...fine, "INPUT_DEADLINE-MINUTES": " 15\n", INPUT_OTHER: "" });
    });
  }
});

describe("the CLI reader checks flags, FNGATE_* variables, secret files and fallbacks", () => {
  for (const [action, metadata] of Object.entries(ACTION_METADATA)) {
    it(`${action}: every input`, async () => {
      for (const { name, value } of hostileValues(action)) {
        const secret = metadata.inputs.some((input) => input.name === name && input.secret);
        if (!secret) {
          assert.match(
            await cliRefusal(action, { inputs: { [name]: value } }),
            new RegExp(`^--${name} contains `),
          );
        }
        const env = { [envName(name)]: value };
        assert.match(await cliRefusal(action, { env }), new RegExp(`^${envName(name)} contains `));
      }
    });
  }

  it("a secret file with a NUL or a second line is refused when read, naming the file flag", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fngate-input-text-"));
    try {
      const file = join(dir, "auth-token");
      await writeFile(file, "token-part-one\ntoken-part-two\n", { mode: 0o600 });
      assert.match(
        await cliRefusal("ocir-login", { inputs: { "auth-token-file": file } }),
        /^--auth-token-file \(the file's text\) contains a line feed \(U\+000A\) at character 15:/,
      );
      await writeFile(file, "token\u0000tail", { mode: 0o600 });
      assert.match(
        await cliRefusal("ocir-login", { env: { FNGATE_AUTH_TOKEN_FILE: file } }),
        /^FNGATE_AUTH_TOKEN_FILE \(the file's text\) contains a NUL/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the command's own flags and the OCI CLI fallback variables are single-line too", async () => {
    assert.match(
      await cliRefusal("entra-token", { inputs: { "token-file": "/tmp/a\nb" } }),
      /^--token-file contains a line feed/,
    );
    assert.match(
      await cliRefusal("fn-context", { env: { OCI_CLI_USER: "ocid1.user\r\n[x]" } }),
      /^OCI_CLI_USER contains a carriage return/,
    );
    assert.match(
      await actionRefusal("fn-context", { env: { OCI_CLI_USER: "ocid1.user\r\n[x]" } }),
      /^OCI_CLI_USER contains a carriage return/,
    );
    const key = pemArmor("PRIVATE KEY", "AAAA").trimEnd();
    const metadata = ACTION_METADATA["fn-context"];
    assert.ok(metadata);
    const withKey = cliInputs(
      metadata,
      new Map(),
      { OCI_CLI_KEY_CONTENT: key },
      createRedactor(),
      [],
      "fn-context",
    );
    assert.equal(withKey.optional("private-key", "OCI_CLI_KEY_CONTENT"), key);
  });

  it("a CI system's OIDC token in FNGATE_FEDERATED_TOKEN is one line too, and is registered as a secret", async () => {
    const registered: string[] = [];
    const secrets = { register: (value: string) => registered.push(value) };
    await assert.rejects(
      ciOidcToken({ FNGATE_FEDERATED_TOKEN: "header.payload\nsignature" }, secrets)("api://aud"),
      /^UserError: FNGATE_FEDERATED_TOKEN contains a line feed \(U\+000A\) at character 15:/,
    );
    assert.equal(await ciOidcToken({ FNGATE_FEDERATED_TOKEN: " a.b.c\n" }, secrets)("api://aud"), "a.b.c");
    assert.deepEqual(registered, ["a.b.c"]);
  });

  it("multi-line flags keep their lines", () => {
    const metadata = ACTION_METADATA["gateway-deploy"];
    assert.ok(metadata);
    const routes =
      "- {path: /a, function-id: ocid1.fnfunc.oc1..a}\r\n- {path: /b, function-id: ocid1.fnfunc.oc1..b}";
    const read = cliInputs(
      metadata,
      new Map([["routes", routes]]),
      {},
      createRedactor(),
      [],
      "gateway-deploy",
    );
    assert.equal(read.optional("routes"), routes);
  });
});
