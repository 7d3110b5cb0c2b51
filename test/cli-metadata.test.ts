// The CLI's flags are the actions' inputs with the actions' defaults and secret marks: the metadata
// embedded in the CLI (src/cli/action-metadata.json) matches every action.yml and
// src/inputs/secret-inputs.ts, and the CLI's reader applies each default.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectActionMetadata } from "../scripts/cli-metadata.ts";
import { ACTION_METADATA } from "../src/cli/action-metadata.ts";
import { cliInputs } from "../src/cli/cli-inputs.ts";
import { COMMANDS } from "../src/cli/commands/index.ts";
import { createRedactor } from "../src/cli/redactor.ts";
import { secretInputs } from "../src/inputs/secret-inputs.ts";

describe("CLI flags mirror the actions", () => {
  it("embeds exactly the inputs, defaults and secret marks of every action.yml (run `npm run docs` when this fails)", async () => {
    const { actions } = await collectActionMetadata();
    assert.deepEqual(JSON.parse(JSON.stringify(ACTION_METADATA)), actions);
  });

  it("has a command for every action (a new action's command is one file in src/cli/commands)", () => {
    const commands = new Set(COMMANDS.map((c) => c.action).filter(Boolean));
    for (const action of commands)
      assert.ok(action && action in ACTION_METADATA, `${action} has an action.yml`);
    const missing = Object.keys(ACTION_METADATA).filter((action) => !commands.has(action));
    assert.deepEqual(missing, [], "actions without a CLI command");
  });

  it("applies every action.yml default when neither a flag nor FNGATE_* is given", () => {
    for (const [action, metadata] of Object.entries(ACTION_METADATA)) {
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
    const metadata = ACTION_METADATA["fn-context"];
    assert.ok(metadata);
    const env = { FNGATE_PROFILE: "FROM_ENV", OCI_CLI_REGION: "us-ashburn-1", FNGATE_CONTEXT_NAME: "" };
    const read = cliInputs(metadata, new Map([["context-name", "flagged"]]), env, createRedactor());
    assert.equal(read.optional("context-name"), "flagged");
    assert.equal(read.optional("profile"), "FROM_ENV");
    assert.equal(read.optional("region", "OCI_CLI_REGION"), "us-ashburn-1");
    assert.equal(read.boolean("verify", false), true, "the action.yml default wins over the code's fallback");
  });

  it("marks secret exactly the inputs src/inputs/secret-inputs.ts declares, whatever their descriptions say", () => {
    for (const [action, metadata] of Object.entries(ACTION_METADATA)) {
      const marked = metadata.inputs.filter((input) => input.secret).map((input) => input.name);
      assert.deepEqual(new Set(marked), secretInputs(action), action);
    }
    // Secrets whose descriptions never say "(secret)": function settings and request headers.
    const secret = (action: string, name: string) =>
      ACTION_METADATA[action]?.inputs.find((input) => input.name === name)?.secret === true;
    for (const [action, name] of [
      ["fn-deploy", "config"],
      ["pipeline", "config"],
      ["smoke-test", "headers"],
      ["pipeline", "headers"],
      ["pipeline", "oci-client-secret"],
      ["fn-context", "private-key"],
      ["ocir-login", "auth-token"],
      ["smoke-test", "token"],
    ] as const) {
      assert.ok(secret(action, name), `${action} ${name}`);
    }
    assert.ok(!secret("entra-token", "client-certificate"), "a certificate is public");
  });
});
