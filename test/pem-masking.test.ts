// Every piece of a private key that a later step or an error could print is masked, the short last
// line of a PEM body included, without masking short ordinary words on their own. The action's masks
// are taken from a real fn-context run and applied as the runner does (line by line); the CLI's from
// its redactor, filled by the CLI's own input reader and the step.
import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { actionMetadata } from "../src/cli/action-metadata.ts";
import { cliLog, cliStepContext } from "../src/cli/cli-context.ts";
import { cliInputHost } from "../src/cli/cli-host.ts";
import { cliInputs } from "../src/cli/cli-inputs.ts";
import { createRedactor } from "../src/cli/redactor.ts";
import { restore } from "../src/fs/restore-plan.ts";
import { readFnContextInputs } from "../src/inputs/fn-context.ts";
import { secretPieces } from "../src/secret-pieces.ts";
import { configureFnContext } from "../src/steps/fn-context.ts";
import { applyMasks, runAction } from "./runner/index.ts";
import { generateTestKey, pemArmor } from "./support/keys.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";

/** A key whose PEM (`form`) ends in a 4-character body line that could not be ordinary text. */
function keyWithShortLastLine(bits: number, form: "pkcs8" | "pkcs1"): string {
  for (;;) {
    const pem = generateTestKey(bits)[form];
    const last = pem.trim().split("\n").at(-2) ?? "";
    if (last.length === 4 && /[=+/0-9]/.test(last)) return pem;
  }
}

/** How a key can end up printed: by `cat`, in JSON, folded by a paste, in an indented YAML block. */
function printedForms(pem: string): Record<string, string> {
  const lines = pem.trim().split("\n");
  const body = lines.slice(1, -1);
  return {
    "as written": pem,
    CRLF: pem.replace(/\n/g, "\r\n"),
    indented: lines.map((line) => `    ${line}`).join("\n"),
    "folded without separators": lines.join(""),
    "folded with spaces": lines.join(" "),
    "JSON string": JSON.stringify(pem),
    "JSON string with CRLF": JSON.stringify(pem.replace(/\n/g, "\r\n")),
    "body alone on one line": body.join(""),
    "last line glued to the END armor": `${lines.slice(0, -1).join("\n")}${lines.at(-1)}`,
  };
}

/** What is left of a masked text once masks, armor, escapes and punctuation are taken away. */
function residue(masked: string): string {
  return masked
    .replace(/\*\*\*/g, "")
    .replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, "")
    .replace(/\\[rn]/g, "")
    .replace(/[\s"]/g, "");
}

/** The runner masks each log line on its own. */
const asRunner = (text: string, masks: readonly string[]) =>
  text
    .split(/\r?\n/)
    .map((line) => applyMasks(line, masks))
    .join("\n");

let oci: OciFixture;
let keys: Record<string, string>;
before(async () => {
  oci = await startOciFixture();
  // 2192-bit PKCS#8 and 2152-bit PKCS#1 PEMs end in a 4-character line; fn-context writes PKCS#8.
  keys = {
    "PKCS#8 input": keyWithShortLastLine(2192, "pkcs8"),
    "PKCS#1 input": keyWithShortLastLine(2152, "pkcs1"),
  };
});
after(async () => {
  await oci?.close();
});

describe("masking a private key with a short last line", () => {
  it("the action: the masks fn-context registers hide every printed form of the input and the written key", async () => {
    for (const [name, key] of Object.entries(keys)) {
      const run = await runAction("fn-context", {
        inputs: oci.inputs({ "private-key": key, fingerprint: "", verify: "false" }),
        posts: false,
      });
      assert.equal(run.main.exitCode, 0, run.main.stdout);
      const written = pkcs8Of(key);
      assert.ok(run.writtenText.includes(written), `${name}: the key file holds the PKCS#8 form`);
      for (const pem of [key, written]) {
        for (const [form, text] of Object.entries(printedForms(pem))) {
          assert.equal(residue(asRunner(text, run.main.masks)), "", `${name}, printed ${form}`);
        }
      }
    }
  });

  it("the CLI: its redactor, filled by the CLI's input reader and the step, hides every printed form", async () => {
    const home = await mkdtemp(join(tmpdir(), "fngate-mask-"));
    try {
      for (const [name, key] of Object.entries(keys)) {
        const redactor = createRedactor();
        const { "private-key": _, ...open } = oci.inputs({ fingerprint: "", verify: "false" });
        const flags = new Map(Object.entries(open).filter(([, value]) => value !== ""));
        const read = cliInputs(actionMetadata("fn-context"), flags, { FNGATE_PRIVATE_KEY: key }, redactor);
        const ctx = {
          ...cliStepContext(cliLog(redactor, false), redactor, {}),
          homeDir: home,
          tempDir: home,
        };
        const result = await configureFnContext(
          readFnContextInputs(read, cliInputHost({}, home, ctx.secrets)),
          ctx,
        );
        for (const pem of [key, pkcs8Of(key)]) {
          for (const [form, text] of Object.entries(printedForms(pem))) {
            assert.equal(residue(redactor.redact(text)), "", `${name}, printed ${form}`);
          }
        }
        await restore(result.restorePlan);
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe("which pieces of a multi-line secret are registered", () => {
  // A full-length base64 line of a key made now: no key material is kept in the repository.
  const LONG = generateTestKey().pkcs8.split("\n")[1] ?? "";
  const pem = (last: string) => pemArmor("PRIVATE KEY", `${LONG}\n${last}`);

  it("a letters-only short line is never registered alone, so ordinary words stay readable", () => {
    const pieces = secretPieces(pem("main"), { acrossLines: false });
    assert.equal(pieces.includes("main"), false);
    assert.equal(applyMasks("pushed to main", pieces), "pushed to main");
    for (const joined of [`${LONG}main`, `${LONG} main`, `${LONG}\\nmain`, `${LONG}\\r\\nmain`]) {
      assert.ok(pieces.includes(joined), joined);
    }
    assert.ok(!pieces.some((piece) => piece.includes("\n")), "the runner never sees a newline in a line");
    assert.ok(secretPieces(pem("main"), { acrossLines: true }).includes(`${LONG}\nmain`));
  });

  it("a short line that cannot be a word is registered alone too; armor and blank lines never are", () => {
    for (const last of ["Aw==", "xQ9=", "ab+/", "k3Zq"]) {
      const pieces = secretPieces(pem(last), { acrossLines: false });
      assert.ok(pieces.includes(last), last);
      assert.ok(!pieces.some((piece) => piece.startsWith("-----") || piece === ""), last);
    }
    assert.equal(secretPieces(pem("A="), { acrossLines: false }).includes("A="), false, "too short alone");
  });

  it("a one-line secret is registered whole; a blank one not at all", () => {
    assert.deepEqual(secretPieces("s3cr3t", { acrossLines: false }), ["s3cr3t"]);
    assert.deepEqual(secretPieces(" \n ", { acrossLines: true }), []);
  });
});

/** The PKCS#8 PEM fn-context writes for a key given in any form. */
function pkcs8Of(pem: string): string {
  return createPrivateKey(pem).export({ type: "pkcs8", format: "pem" }).toString();
}
