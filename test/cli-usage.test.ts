// What a person typing `fngate` sees from the built CLI: help and version on stdout (exit 0), and for a
// usage error (exit 2) or a bad value (exit 1) one `error:` line on stderr before any call is made, with
// --json the same as one JSON document on stdout. The decisions behind these lines, for every command
// and flag, are in process in test/cli-help.test.ts (a flag's value, a bare true/false flag); that a
// usage error leaves nothing under HOME, for the built CLI: R7 (test/reliability/r7/targets.cases.ts).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { COMMANDS } from "../src/cli/commands/index.ts";
import { type CliSandbox, cliSandbox } from "./support/cli-process.ts";
import { cliVerdict } from "./support/input-table.ts";

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

interface Refusal {
  name: string;
  args: string[];
  env?: Record<string, string>;
  exit: 1 | 2;
  line: string | RegExp;
  /** Also run with --json: stdout is then the refusal as one JSON document. */
  json?: boolean;
  /**
   * Decided by the command's reader and checks, shown in process (cliVerdict: the same line, exit code,
   * no call, nothing written); the process runs below show how any such line reaches stderr and --json.
   */
  inProcess?: true;
}

const REFUSALS: Refusal[] = [
  {
    name: "a missing required flag is named with how to give it",
    inProcess: true,
    args: ["fn-context", "--tenancy-ocid", "ocid1.tenancy.oc1..aaaa", "--region", "eu-frankfurt-1"],
    env: { FNGATE_PRIVATE_KEY: "not read: a missing flag is named first" },
    exit: 2,
    line: "error: --user-ocid is required: pass --user-ocid <value> or set FNGATE_USER_OCID (or OCI_CLI_USER). (fngate fn-context --help)",
  },
  {
    name: "several missing flags: all in one line, so one run tells what to set",
    inProcess: true,
    args: ["fn-context"],
    exit: 2,
    line: "error: --user-ocid, --private-key, --tenancy-ocid and --region are required: pass each as --<name> <value> or set FNGATE_<NAME>; set FNGATE_PRIVATE_KEY or pass --<name>-file <path> (or OCI_CLI_USER, OCI_CLI_KEY_CONTENT, OCI_CLI_TENANCY, OCI_CLI_REGION). (fngate fn-context --help)",
  },
  {
    name: "a missing secret: its variable and its file flag",
    args: ["oci-token", "--region", "ap-tokyo-1", "--credential-ocid", "ocid1.credential.oc1..x"],
    exit: 2,
    line: "error: --credential-secret is required: set FNGATE_CREDENTIAL_SECRET or pass --credential-secret-file <path>. (fngate oci-token --help)",
    json: true,
  },
  {
    name: "an unknown command",
    args: ["deploy"],
    exit: 2,
    line: /^error: unknown command "deploy"; commands are pipeline, preflight, fn-context, /,
  },
  {
    name: "an unknown flag",
    inProcess: true,
    args: ["smoke-test", "--urll", "https://x"],
    exit: 2,
    line: "error: unknown flag --urll: see --help for this command's flags. (fngate smoke-test --help)",
  },
  {
    name: "a bad value: the step's own one-line message",
    args: ["smoke-test", "--url", "https://127.0.0.1:9/x", "--method", "FETCH"],
    exit: 1,
    line: 'error: method "FETCH" must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS.',
    json: true,
  },
  {
    name: "a secret file that cannot be read is named",
    inProcess: true,
    args: ["smoke-test", "--url", "https://127.0.0.1:9/x", "--token-file", "/nonexistent/t"],
    exit: 1,
    line: "error: --token-file: cannot read /nonexistent/t (ENOENT); give the path of a readable file.",
  },
  {
    name: "a deadline that is not a number of minutes",
    args: ["cleanup", "--deadline-minutes", "0"],
    exit: 1,
    line: /^error: --deadline-minutes must be a number of minutes above 0/,
  },
];

describe("fngate usage", () => {
  it("--help lists every command; exit 0 on stdout; no command is a usage error (exit 2); --version", async () => {
    const help = await sandbox.run(["--help"]);
    assert.equal(help.exitCode, 0);
    for (const command of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${command.name} `, "m"));
    assert.match(help.stdout, /Exit codes:\n {2}0 {2}success/);
    const bare = await sandbox.run([]);
    assert.equal(bare.exitCode, 2);
    assert.equal(bare.stdout, "");
    const version = await sandbox.run(["--version"]);
    assert.equal(version.exitCode, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    const command = await sandbox.run(["smoke-test", "--help"]);
    assert.equal(command.exitCode, 0);
    assert.match(command.stdout, /^ {2}--url {2}\(required; .*FNGATE_URL/m);
  });

  for (const refusal of REFUSALS) {
    it(`${refusal.name} (exit ${refusal.exit})`, async () => {
      if (refusal.inProcess) {
        const [action = "", ...flags] = refusal.args;
        const inputs = Object.fromEntries(
          flags.flatMap((flag, i) => (flag.startsWith("--") ? [[flag.slice(2), flags[i + 1] ?? ""]] : [])),
        );
        const verdict = await cliVerdict(action, { inputs, env: refusal.env ?? {} });
        assert.ok(verdict.outcome === "refused", `refused: ${JSON.stringify(verdict)}`);
        assert.equal(verdict.exitCode, refusal.exit);
        assert.deepEqual([verdict.calls, verdict.written], [0, []]);
        const line = `error: ${oneLine(verdict.line)}`;
        if (typeof refusal.line === "string") assert.equal(line, refusal.line);
        else assert.match(line, refusal.line);
        return;
      }
      const args =
        refusal.json && !refusal.args.includes("--json") ? [...refusal.args, "--json"] : refusal.args;
      const run = await sandbox.run(args, refusal.env);
      assert.equal(run.exitCode, refusal.exit, run.stderr);
      const line = oneLine(run.stderr);
      if (typeof refusal.line === "string") assert.equal(line, refusal.line);
      else assert.match(line, refusal.line);
      if (!refusal.json) assert.equal(run.stdout, "");
      else
        assert.deepEqual(JSON.parse(run.stdout), {
          ok: false,
          command: args[0],
          error: line.slice("error: ".length),
          exitCode: refusal.exit,
        });
    });
  }

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
      assert.equal(
        run.stderr.trim().split("\n").at(-1),
        `error: deadline-minutes (0.02) reached while waiting for ${url} to answer 200 (last answered 404); raise deadline-minutes if the step needs longer, or find out what is slow.`,
      );
      assert.equal((JSON.parse(run.stdout) as { exitCode: number }).exitCode, 3);
    } finally {
      server.close();
    }
  });
});
