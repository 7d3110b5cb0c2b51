// The CLI's flags and help, in process: the flags are the actions' inputs with their defaults and secret
// marks (src/cli/action-metadata.json matches every action.yml), `fngate --help` and `fngate <command>
// --help` list every input with its variable and default, mark the required ones, group the pipeline's
// flags by stage and say nothing GitHub-only; a flag without its value and a secret on the command line
// are usage errors. test/cli-usage.test.ts shows the same lines from the built CLI as a process.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectActionMetadata } from "../scripts/cli-metadata.ts";
import { ACTION_METADATA, envName } from "../src/cli/action-metadata.ts";
import { parseArgs, requireFlagValues } from "../src/cli/argv.ts";
import { cliInputs } from "../src/cli/cli-inputs.ts";
import { cliWording } from "../src/cli/cli-wording.ts";
import { COMMANDS } from "../src/cli/commands/index.ts";
import { commandHelp, generalHelp } from "../src/cli/help.ts";
import { createRedactor } from "../src/cli/redactor.ts";
import { githubOnlyInputs } from "../src/inputs/github-only-inputs.ts";
import { PIPELINE_RENAMES, STAGES } from "../src/inputs/pipeline-stages.ts";
import { secretInputs } from "../src/inputs/secret-inputs.ts";
import { cliVerdict } from "./support/input-table.ts";

/** Words that only make sense in a GitHub workflow. */
const GITHUB_ONLY: readonly RegExp[] = [
  /\bjob\b/i,
  /\bjob's\b/i,
  /workflow/i,
  /secrets\./,
  /\$\{\{/,
  /\bGITHUB_[A-Z]/,
  /post step/i,
  /permissions:/,
  /id-token: write/,
  /repository or environment secret/,
  /GitHub OIDC/,
  /\bsteps?\b/i,
];

const command = (name: string) => {
  const found = COMMANDS.find((c) => c.name === name);
  assert.ok(found, name);
  return found;
};

/** The flag line of `--name` in a help text. */
function flagLine(help: string, name: string): string {
  const line = help.split("\n").find((candidate) => candidate.startsWith(`  --${name}  (`));
  assert.ok(line, `--${name} is listed`);
  return line;
}

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
      for (const input of metadata.inputs)
        assert.equal(
          read.optional(input.name),
          input.default?.trim() || undefined,
          `${action} ${input.name}`,
        );
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
      // GitHub-only inputs (github-token) are no CLI flags at all, so the CLI marks none of them.
      const githubOnly = githubOnlyInputs(action);
      const declared = [...secretInputs(action)].filter((name) => !githubOnly.has(name));
      assert.deepEqual(new Set(marked), new Set(declared), action);
    }
    // Secrets whose descriptions never say "(secret)": function settings and request headers (the root
    // action's config and headers follow these: action-metadata.test.ts "the root action's stage inputs…").
    const secret = (action: string, name: string) =>
      ACTION_METADATA[action]?.inputs.find((input) => input.name === name)?.secret === true;
    for (const [action, name] of [
      ["fn-deploy", "config"],
      ["smoke-test", "headers"],
      ["pipeline", "oci-client-secret"],
      ["fn-context", "private-key"],
      ["ocir-login", "auth-token"],
      ["smoke-test", "token"],
    ] as const)
      assert.ok(secret(action, name), `${action} ${name}`);
    assert.ok(!secret("entra-token", "client-certificate"), "a certificate is public");
  });

  it("refuses every secret flag on the command line, naming the variable and the file flag (exit 2)", async () => {
    for (const c of COMMANDS) {
      for (const input of ACTION_METADATA[c.action ?? ""]?.inputs ?? []) {
        if (!input.secret || !c.action) continue;
        const secret = `s3cr3t-${input.name}-value`;
        const verdict = await cliVerdict(c.action, { inputs: { [input.name]: secret } });
        assert.ok(verdict.outcome === "refused" && verdict.exitCode === 2, `${c.name} --${input.name}`);
        assert.equal(
          verdict.line,
          `--${input.name} takes a secret, and the command line is visible to other processes and kept in shell history: set ${envName(input.name)} or pass --${input.name}-file <path> instead. (fngate ${c.name} --help)`,
        );
        assert.ok(!verdict.line.includes(secret), "the refused secret is not echoed");
      }
    }
  });
});

describe("flags without their value", () => {
  it("decides per flag: a value is needed unless the input is true/false; unknown flags are left to the reader", () => {
    const url = "--url needs a value: --url <value>.";
    const cases: [string, string[], string | undefined][] = [
      ["smoke-test", ["--url"], url],
      ["smoke-test", ["--url", "--json"], url],
      ["smoke-test", ["--url", "--method", "GET"], url],
      // smoke-test's wait is a number of seconds, not a switch.
      ["smoke-test", ["--url", "https://x", "--wait"], "--wait needs a value: --wait <value>."],
      [
        "smoke-test",
        ["--url", "https://x", "--token-file"],
        "--token-file needs a path: --token-file <path>.",
      ],
      ["smoke-test", ["--deadline-minutes"], "--deadline-minutes needs a value: --deadline-minutes <value>."],
      ["smoke-test", ["--url=", "--json"], undefined],
      ["smoke-test", ["--url", "https://x", "--negative-check-bodies"], undefined],
      ["smoke-test", ["--urll"], undefined],
      // fn-deploy's and gateway-deploy's wait are true/false: alone they mean true.
      ["fn-deploy", ["--wait", "--application", "app"], undefined],
      ["gateway-deploy", ["--prune", "--wait"], undefined],
      ["entra-token", ["--federated", "--json", "--debug"], undefined],
      ["entra-token", ["--federated", "--client-id"], "--client-id needs a value: --client-id <value>."],
    ];
    for (const [action, argv, expected] of cases) {
      const other = ["deadline-minutes", ...(action === "entra-token" ? ["token-file"] : [])];
      const error = (() => {
        try {
          return requireFlagValues(
            parseArgs([action, ...argv]),
            ACTION_METADATA[action]?.inputs ?? [],
            other,
          );
        } catch (caught) {
          return (caught as Error).message;
        }
      })();
      assert.equal(error, expected, argv.join(" "));
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

describe("fngate --help outside GitHub", () => {
  it("no help text has GitHub-only wording (add a rule to src/cli/cli-wording.ts when this fails)", () => {
    const texts = [generalHelp(COMMANDS, "0.0.0"), ...COMMANDS.map((c) => commandHelp(c))];
    const found = GITHUB_ONLY.flatMap((word) =>
      texts.flatMap((text) =>
        text
          .split("\n")
          .filter((line) => word.test(line))
          .map((l) => `${word}: ${l}`),
      ),
    );
    assert.deepEqual(found, []);
  });

  it("the wording rules rewrite what the actions' descriptions say to a workflow author", () => {
    const cases: Record<string, string> = {
      "Must lie inside the workspace (GITHUB_WORKSPACE; the current directory for the CLI), symbolic links resolved.":
        "Must lie inside the current directory, symbolic links resolved.",
      "true: authenticate with the job's GitHub OIDC token instead of a stored credential. Needs `permissions: id-token: write` and a federated credential.":
        "true: authenticate with the CI's OIDC token instead of a stored credential. Needs a federated credential.",
      "Overall deadline for this step in minutes; the step fails cleanly when it is reached (its post step still cleans up). Default 15.":
        "Overall deadline for this command in minutes; the command stops (exit 3) when it is reached. Default 15.",
      "Log out and restore docker's config.json in the post step.":
        "Log out and restore docker's config.json when `fngate cleanup` runs.",
      "Region, e.g. ap-tokyo-1.": "Region, e.g. ap-tokyo-1.",
    };
    for (const [action, cli] of Object.entries(cases)) assert.equal(cliWording(action), cli);
  });

  it("lists every input with its variable and default, marks the required ones and names them in the usage line", () => {
    for (const c of COMMANDS) {
      const help = commandHelp(c);
      const usage = help.split("\n").find((line) => line.startsWith("Usage: ")) ?? "";
      for (const input of ACTION_METADATA[c.action ?? ""]?.inputs ?? []) {
        const line = flagLine(help, input.name);
        assert.ok(line.includes(envName(input.name)), `${c.name} --${input.name} names its variable`);
        if (input.default !== undefined) assert.ok(line.includes(`default ${JSON.stringify(input.default)}`));
        if (input.secret) assert.ok(line.includes(`--${input.name}-file <path>`), line);
        const boolean = input.default === "true" || input.default === "false";
        assert.equal(line.includes(`--${input.name} alone means true`), boolean, `${c.name} --${input.name}`);
        if (c.action === "pipeline") continue;
        const given = input.secret ? `--${input.name}-file <path>` : `--${input.name} <value>`;
        if (input.required) {
          assert.ok(line.startsWith(`  --${input.name}  (required; `), `${c.name}: ${line}`);
          assert.ok(usage.includes(` ${given}`), `${c.name} usage names ${given}: ${usage}`);
        } else {
          assert.doesNotMatch(line, /\(required/, `${c.name}: ${line}`);
          assert.ok(!usage.includes(`--${input.name} `), `${c.name} usage: ${usage}`);
        }
      }
    }
    assert.match(
      commandHelp(command("smoke-test")),
      /^Usage: fngate smoke-test --url <value> \[flags\] \[--json\]$/m,
    );
    assert.match(
      flagLine(commandHelp(command("oci-token")), "credential-secret"),
      /\(required; secret: FNGATE_CREDENTIAL_SECRET or --credential-secret-file <path>\)/,
    );
    assert.match(generalHelp(COMMANDS, "0.0.0"), /alone they mean true \(--wait is --wait true/);
  });

  it("groups the pipeline's flags by stage, in the order the stages run, each stage's required flags marked", () => {
    const help = commandHelp(command("pipeline"));
    const titles = help.split("\n").filter((line) => /^\S.*:$/.test(line) && !line.startsWith("Usage"));
    assert.deepEqual(titles.slice(0, STAGES.length + 1), [
      "Flags of the whole run:",
      ...STAGES.map((stage) => `${stage} stage:`),
    ]);
    const section = (title: string) => {
      const start = help.indexOf(`\n${title}\n`);
      return help.slice(start, help.indexOf("\n\n", start + 1));
    };
    for (const input of ACTION_METADATA.pipeline?.inputs ?? []) {
      const stages = /^\(([^)]*)\) /.exec(input.description)?.[1]?.split(", ") ?? [];
      const [first, ...also] = stages;
      const where = first ? `${first} stage:` : "Flags of the whole run:";
      assert.ok(section(where).includes(`\n  --${input.name}  (`), `--${input.name} under ${where}`);
      assert.ok(!help.includes(`      (${stages.join(", ")}) `), "the stage prefix is not repeated");
      const line = flagLine(help, input.name);
      if (also.length > 0) assert.ok(line.includes(`also read by ${also.join(", ")}`), line);
    }
    // Required: what the stage's own action requires, under the pipeline's name for it.
    const required = help
      .split("\n")
      .filter((line) => /^ {2}--[a-z-]+ {2}\(required/.test(line))
      .map((line) => line.trim().split(" ")[0]);
    const expected = STAGES.flatMap((stage) =>
      (ACTION_METADATA[stage]?.inputs ?? [])
        .filter((input) => input.required)
        .map((input) =>
          input.name in PIPELINE_RENAMES[stage] ? PIPELINE_RENAMES[stage][input.name] : input.name,
        )
        .filter((name): name is string => typeof name === "string")
        .map((name) => `--${name}`),
    );
    assert.deepEqual(required.sort(), expected.sort());
    assert.match(flagLine(help, "application"), /\(required unless --skip names fn-deploy; /);
    assert.match(flagLine(help, "entra-tenant-id"), /\(required unless --skip names entra-token; /);
    // The smoke test calls what gateway-deploy deployed: --url only when that stage is skipped.
    assert.match(flagLine(help, "url"), /\(required when --skip names gateway-deploy but not smoke-test; /);
  });
});
