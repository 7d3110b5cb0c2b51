// The CLI's flags are the actions' inputs with the actions' defaults: the metadata embedded in the CLI
// (src/cli/action-inputs.ts) matches every action.yml, and the CLI's reader applies each default.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectActionInputs } from "../scripts/cli-inputs.ts";
import { ACTION_INPUTS } from "../src/cli/action-inputs.ts";
import { isSecretInput } from "../src/cli/action-metadata.ts";
import { cliInputs } from "../src/cli/cli-inputs.ts";
import { COMMANDS } from "../src/cli/commands/index.ts";
import { createRedactor } from "../src/cli/redactor.ts";

describe("CLI flags mirror the actions", () => {
  it("embeds exactly the inputs, defaults and outputs of every action.yml (run `node scripts/cli-inputs.ts` when this fails)", async () => {
    assert.deepEqual(JSON.parse(JSON.stringify(ACTION_INPUTS)), await collectActionInputs());
  });

  it("has a command for every action (a new action's command is one file in src/cli/commands)", () => {
    const commands = new Set(COMMANDS.map((c) => c.action).filter(Boolean));
    for (const action of commands)
      assert.ok(action && action in ACTION_INPUTS, `${action} has an action.yml`);
    const missing = Object.keys(ACTION_INPUTS).filter((action) => !commands.has(action));
    assert.deepEqual(missing, [], "actions without a CLI command");
  });

  it("applies every action.yml default when neither a flag nor FNGATE_* is given", () => {
    for (const [action, metadata] of Object.entries(ACTION_INPUTS)) {
      const read = cliInputs(metadata, new Map(), {}, createRedactor());
      for (const input of metadata.inputs) {
        assert.equal(
          read.optional(input.name),
          input.default?.trim() || undefined,
          `${action} ${input.name}`,
        );
      }
    }
  });

  it("reads a flag first, then FNGATE_<NAME>, then the default, then the adapter's fallback variable", () => {
    const metadata = ACTION_INPUTS["fn-context"];
    assert.ok(metadata);
    const env = { FNGATE_PROFILE: "FROM_ENV", OCI_CLI_REGION: "us-ashburn-1", FNGATE_CONTEXT_NAME: "" };
    const read = cliInputs(metadata, new Map([["context-name", "flagged"]]), env, createRedactor());
    assert.equal(read.optional("context-name"), "flagged");
    assert.equal(read.optional("profile"), "FROM_ENV");
    assert.equal(read.optional("region", "OCI_CLI_REGION"), "us-ashburn-1");
    assert.equal(read.boolean("verify", false), true, "the action.yml default wins over the code's fallback");
  });

  it("treats the key, passphrase, auth token, client secret, certificate key, tokens, headers and config as secrets", () => {
    const secrets = new Set<string>();
    for (const metadata of Object.values(ACTION_INPUTS)) {
      for (const input of metadata.inputs) if (isSecretInput(input)) secrets.add(input.name);
    }
    for (const name of [
      "private-key",
      "private-key-passphrase",
      "auth-token",
      "client-secret",
      "client-certificate-key",
      "token",
      "refused-token",
      "headers",
      "config",
    ]) {
      assert.ok(secrets.has(name), name);
    }
  });
});
