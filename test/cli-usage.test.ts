// What a person typing `fngate` sees: help listing every input, exit codes, and the one-line messages
// for a secret on the command line, a missing or unknown flag and a bad value, before any call is made.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { ACTION_METADATA } from "../src/cli/action-metadata.ts";
import { COMMANDS } from "../src/cli/commands/index.ts";
import { type CliSandbox, cliSandbox } from "./support/cli-process.ts";

let sandbox: CliSandbox;
before(async () => {
  // Nothing listens here: a command that got as far as calling the cloud would fail differently.
  sandbox = await cliSandbox({ FNGATE_OCI_ENDPOINT: "https://127.0.0.1:9" });
});
after(async () => {
  await sandbox?.dispose();
});

function oneLine(text: string): string {
  const lines = text.trim().split("\n");
  assert.equal(lines.length, 1, `one line: ${text}`);
  return lines[0] ?? "";
}

describe("fngate usage", () => {
  it("--help lists every command; exit 0 on stdout; no command is a usage error (exit 2)", async () => {
    const help = await sandbox.run(["--help"]);
    assert.equal(help.exitCode, 0);
    for (const command of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${command.name} `, "m"));
    assert.match(help.stdout, /Exit codes:\n {2}0 {2}success/);
    const bare = await sandbox.run([]);
    assert.equal(bare.exitCode, 2);
    assert.equal(bare.stdout, "");
  });

  it("`fngate <command> --help` lists every input of its action with its default and environment variable", async () => {
    for (const command of COMMANDS) {
      if (!command.action) continue;
      const help = await sandbox.run([command.name, "--help"]);
      assert.equal(help.exitCode, 0);
      for (const input of ACTION_METADATA[command.action]?.inputs ?? []) {
        const env = `FNGATE_${input.name.toUpperCase().replace(/-/g, "_")}`;
        const line = help.stdout.split("\n").find((l) => l.startsWith(`  --${input.name}  (`));
        assert.ok(line, `${command.name} --help lists --${input.name}`);
        assert.ok(line.includes(env), `${command.name} --${input.name} names ${env}`);
        if (input.default !== undefined) assert.ok(line.includes(`default ${JSON.stringify(input.default)}`));
        if (input.secret) assert.ok(line.includes(`--${input.name}-file <path>`));
      }
    }
  });

  it("--version prints the package version", async () => {
    const run = await sandbox.run(["--version"]);
    assert.equal(run.exitCode, 0);
    assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it("refuses every secret flag on the command line, naming the variable and the file flag (exit 2)", async () => {
    for (const command of COMMANDS) {
      for (const input of ACTION_METADATA[command.action ?? ""]?.inputs ?? []) {
        if (!input.secret) continue;
        const secret = `s3cr3t-${input.name}-value`;
        const run = await sandbox.run([command.name, `--${input.name}`, secret, "--json"]);
        assert.equal(run.exitCode, 2, `${command.name} --${input.name}`);
        const env = `FNGATE_${input.name.toUpperCase().replace(/-/g, "_")}`;
        assert.equal(
          oneLine(run.stderr),
          `error: --${input.name} takes a secret, and the command line is visible to other processes and kept in shell history: set ${env} or pass --${input.name}-file <path> instead. (fngate ${command.name} --help)`,
        );
        assert.ok(
          !run.stdout.includes(secret) && !run.stderr.includes(secret),
          "the refused secret is not echoed",
        );
        assert.equal((JSON.parse(run.stdout) as { exitCode: number }).exitCode, 2);
      }
    }
  });

  it("names a missing required flag and how to give it (exit 2)", async () => {
    const one = await sandbox.run(
      ["fn-context", "--tenancy-ocid", "ocid1.tenancy.oc1..aaaa", "--region", "eu-frankfurt-1"],
      {
        FNGATE_PRIVATE_KEY: "not read: a missing flag is named first",
      },
    );
    assert.equal(one.exitCode, 2);
    assert.equal(
      oneLine(one.stderr),
      "error: --user-ocid is required: pass --user-ocid <value> or set FNGATE_USER_OCID (or OCI_CLI_USER). (fngate fn-context --help)",
    );
    // Several missing: all in one line, so one run tells what to set.
    const run = await sandbox.run(["fn-context"]);
    assert.equal(run.exitCode, 2);
    assert.equal(
      oneLine(run.stderr),
      "error: --user-ocid, --private-key, --tenancy-ocid and --region are required: pass each as --<name> <value> or set FNGATE_<NAME>; set FNGATE_PRIVATE_KEY or pass --<name>-file <path> (or OCI_CLI_USER, OCI_CLI_KEY_CONTENT, OCI_CLI_TENANCY, OCI_CLI_REGION). (fngate fn-context --help)",
    );
    const secret = await sandbox.run([
      "oci-token",
      "--region",
      "ap-tokyo-1",
      "--credential-ocid",
      "ocid1.credential.oc1..x",
    ]);
    assert.equal(secret.exitCode, 2);
    assert.equal(
      oneLine(secret.stderr),
      "error: --credential-secret is required: set FNGATE_CREDENTIAL_SECRET or pass --credential-secret-file <path>. (fngate oci-token --help)",
    );
  });

  it("rejects an unknown command or flag (exit 2)", async () => {
    const command = await sandbox.run(["deploy"]);
    assert.equal(command.exitCode, 2);
    assert.match(
      oneLine(command.stderr),
      /^error: unknown command "deploy"; commands are pipeline, preflight, fn-context, /,
    );
    const flag = await sandbox.run(["smoke-test", "--urll", "https://x"]);
    assert.equal(flag.exitCode, 2);
    assert.equal(
      oneLine(flag.stderr),
      "error: unknown flag --urll: see --help for this command's flags. (fngate smoke-test --help)",
    );
  });

  it("a bad value is the step's own one-line message (exit 1), and a secret file that cannot be read is named", async () => {
    const method = await sandbox.run(["smoke-test", "--url", "https://127.0.0.1:9/x", "--method", "FETCH"]);
    assert.equal(method.exitCode, 1);
    assert.equal(
      oneLine(method.stderr),
      'error: method "FETCH" must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS.',
    );
    const file = await sandbox.run([
      "smoke-test",
      "--url",
      "https://127.0.0.1:9/x",
      "--token-file",
      "/nonexistent/t",
    ]);
    assert.equal(file.exitCode, 1);
    assert.equal(
      oneLine(file.stderr),
      "error: --token-file: cannot read /nonexistent/t (ENOENT); give the path of a readable file.",
    );
    const deadline = await sandbox.run(["cleanup", "--deadline-minutes", "0"]);
    assert.equal(deadline.exitCode, 1);
    assert.match(oneLine(deadline.stderr), /^error: --deadline-minutes must be a number of minutes above 0/);
  });

  it("stops at --deadline-minutes with one line naming what it was waiting for (exit 3)", async () => {
    // An API that is never there: the smoke test would keep retrying for its whole --wait.
    const server = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const url = `http://127.0.0.1:${port}/hello`;
      const args = ["smoke-test", "--url", url, "--negative-checks", "none", "--wait", "600"];
      const run = await sandbox.run([...args, "--deadline-minutes", "0.02", "--json"]);
      assert.equal(run.exitCode, 3, run.stderr);
      const line = run.stderr.trim().split("\n").at(-1) ?? "";
      assert.equal(
        line,
        `error: deadline-minutes (0.02) reached while waiting for ${url} to answer 200 (last answered 404); raise deadline-minutes if the step needs longer, or find out what is slow.`,
      );
      assert.equal((JSON.parse(run.stdout) as { exitCode: number }).exitCode, 3);
    } finally {
      server.close();
    }
  });

  it("never needs GITHUB_* variables and writes nothing under HOME for a usage error", async () => {
    const before = await sandbox.snapshot();
    await sandbox.run(["fn-context", "--private-key", "x"]);
    assert.deepEqual(await sandbox.snapshot(), before);
  });
});
