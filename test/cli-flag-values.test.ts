// A flag without its value (`fngate smoke-test --url` at the end, or followed by another flag) is a
// usage error naming the flag (exit 2), not the value "true"; true/false inputs alone mean true, and the
// CLI's own switches (--json, --help, --version, --debug) take no value.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ACTION_METADATA } from "../src/cli/action-metadata.ts";
import { parseArgs, requireFlagValues } from "../src/cli/argv.ts";
import { type CliSandbox, cliSandbox } from "./support/cli-process.ts";

/** The usage error requireFlagValues raises for `argv` as `action`'s command, or undefined. */
function flagValueError(action: string, argv: string[], otherFlags: string[] = []): string | undefined {
  const args = parseArgs(argv);
  try {
    requireFlagValues(args, ACTION_METADATA[action]?.inputs ?? [], ["deadline-minutes", ...otherFlags]);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("flags without their value", () => {
  it("decides per flag: a value is needed unless the input is true/false; unknown flags are left to the reader", () => {
    const cases: [string, string[], string | undefined][] = [
      ["smoke-test", ["smoke-test", "--url"], "--url needs a value: --url <value>."],
      ["smoke-test", ["smoke-test", "--url", "--json"], "--url needs a value: --url <value>."],
      ["smoke-test", ["smoke-test", "--url", "--method", "GET"], "--url needs a value: --url <value>."],
      // smoke-test's wait is a number of seconds, not a switch.
      ["smoke-test", ["smoke-test", "--url", "https://x", "--wait"], "--wait needs a value: --wait <value>."],
      [
        "smoke-test",
        ["smoke-test", "--url", "https://x", "--token-file"],
        "--token-file needs a path: --token-file <path>.",
      ],
      [
        "smoke-test",
        ["smoke-test", "--deadline-minutes"],
        "--deadline-minutes needs a value: --deadline-minutes <value>.",
      ],
      ["smoke-test", ["smoke-test", "--url=", "--json"], undefined],
      ["smoke-test", ["smoke-test", "--url", "https://x", "--negative-check-bodies"], undefined],
      ["smoke-test", ["smoke-test", "--urll"], undefined],
      // fn-deploy's and gateway-deploy's wait are true/false: alone they mean true.
      ["fn-deploy", ["fn-deploy", "--wait", "--application", "app"], undefined],
      ["gateway-deploy", ["gateway-deploy", "--prune", "--wait"], undefined],
      ["entra-token", ["entra-token", "--federated", "--json", "--debug"], undefined],
      [
        "entra-token",
        ["entra-token", "--federated", "--client-id"],
        "--client-id needs a value: --client-id <value>.",
      ],
    ];
    for (const [action, argv, expected] of cases) {
      const other = action === "entra-token" ? ["token-file"] : [];
      assert.equal(flagValueError(action, argv, other), expected, argv.join(" "));
    }
  });

  it("a bare true/false flag reads as true; the CLI's switches are not flags", () => {
    const args = parseArgs(["fn-deploy", "--wait", "--json", "--debug", "--application", "app"]);
    assert.equal(args.flags.get("wait"), "true");
    assert.deepEqual([...args.bare], ["wait"]);
    assert.equal(args.flags.get("application"), "app");
    assert.ok(args.json && args.debug);
    assert.ok(!args.flags.has("json") && !args.flags.has("debug"));
  });
});

describe("fngate with a flag missing its value", () => {
  let sandbox: CliSandbox;
  before(async () => {
    // Nothing listens here: a command that got as far as a call would fail differently.
    sandbox = await cliSandbox({ FNGATE_OCI_ENDPOINT: "https://127.0.0.1:9" });
  });
  after(async () => {
    await sandbox?.dispose();
  });

  it("exits 2 with one line naming the flag, at the end of the line or before another flag", async () => {
    const end = await sandbox.run(["smoke-test", "--url"]);
    assert.equal(end.exitCode, 2);
    assert.equal(end.stderr.trim(), "error: --url needs a value: --url <value>. (fngate smoke-test --help)");
    const beforeFlag = await sandbox.run(["smoke-test", "--url", "--json"]);
    assert.equal(beforeFlag.exitCode, 2);
    assert.equal(
      beforeFlag.stderr.trim(),
      "error: --url needs a value: --url <value>. (fngate smoke-test --help)",
    );
    assert.deepEqual(JSON.parse(beforeFlag.stdout), {
      ok: false,
      command: "smoke-test",
      error: "--url needs a value: --url <value>. (fngate smoke-test --help)",
      exitCode: 2,
    });
  });

  it("a bare true/false flag is accepted and the command runs on to its own checks", async () => {
    // --negative-check-bodies alone is true; the run then fails at the URL nothing answers (exit 1, not 2).
    const run = await sandbox.run([
      "smoke-test",
      "--url",
      "http://127.0.0.1:9/x",
      "--negative-checks",
      "none",
      "--negative-check-bodies",
      "--wait",
      "1",
    ]);
    assert.equal(run.exitCode, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /needs a value/);
  });
});
