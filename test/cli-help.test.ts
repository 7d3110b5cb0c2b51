// What `fngate --help` and `fngate <command> --help` tell someone outside GitHub: required flags marked
// (from action.yml `required: true`) and named in the usage line, the pipeline's flags grouped by the
// stage that reads them, and no GitHub-only wording (the job, workflows, `permissions:`, post steps).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ACTION_METADATA, envName } from "../src/cli/action-metadata.ts";
import { cliWording } from "../src/cli/cli-wording.ts";
import { COMMANDS } from "../src/cli/commands/index.ts";
import { commandHelp, generalHelp } from "../src/cli/help.ts";
import { PIPELINE_RENAMES, STAGES } from "../src/inputs/pipeline-stages.ts";

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

function githubWording(text: string): string[] {
  return GITHUB_ONLY.flatMap((word) => {
    const match = word.exec(text);
    if (!match) return [];
    const line = text.split("\n").find((candidate) => word.test(candidate)) ?? "";
    return [`${word}: ${line.trim()}`];
  });
}

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

describe("fngate --help outside GitHub", () => {
  it("no help text has GitHub-only wording (add a rule to src/cli/cli-wording.ts when this fails)", () => {
    const found = [generalHelp(COMMANDS, "0.0.0"), ...COMMANDS.map((c) => commandHelp(c))].flatMap(
      githubWording,
    );
    assert.deepEqual(found, []);
  });

  it("the wording rules rewrite what the actions' descriptions say to a workflow author", () => {
    const cases: [string, string][] = [
      [
        "Must lie inside the workspace (GITHUB_WORKSPACE; the current directory for the CLI), symbolic links resolved.",
        "Must lie inside the current directory, symbolic links resolved.",
      ],
      [
        "true: authenticate with the job's GitHub OIDC token instead of a stored credential. Needs `permissions: id-token: write` and a federated credential.",
        "true: authenticate with the CI's OIDC token instead of a stored credential. Needs a federated credential.",
      ],
      [
        "Overall deadline for this step in minutes; the step fails cleanly when it is reached (its post step still cleans up). Default 15.",
        "Overall deadline for this command in minutes; the command stops (exit 3) when it is reached. Default 15.",
      ],
      [
        "Log out and restore docker's config.json in the post step.",
        "Log out and restore docker's config.json when `fngate cleanup` runs.",
      ],
      ["Region, e.g. ap-tokyo-1.", "Region, e.g. ap-tokyo-1."],
    ];
    for (const [action, cli] of cases) assert.equal(cliWording(action), cli);
  });

  it("marks every required input (action.yml `required: true`) and names it in the usage line", () => {
    for (const c of COMMANDS) {
      if (!c.action || c.action === "pipeline") continue;
      const help = commandHelp(c);
      const usage = help.split("\n").find((line) => line.startsWith("Usage: ")) ?? "";
      for (const input of ACTION_METADATA[c.action]?.inputs ?? []) {
        const line = flagLine(help, input.name);
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
  });

  it("says a true/false flag alone means true, and only there", () => {
    for (const c of COMMANDS) {
      const help = commandHelp(c);
      for (const input of ACTION_METADATA[c.action ?? ""]?.inputs ?? []) {
        const boolean = input.default === "true" || input.default === "false";
        assert.equal(
          flagLine(help, input.name).includes(`--${input.name} alone means true`),
          boolean,
          `${c.name} --${input.name}`,
        );
      }
    }
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
      const end = help.indexOf("\n\n", start + 1);
      return help.slice(start, end);
    };
    for (const input of ACTION_METADATA.pipeline?.inputs ?? []) {
      const stages = /^\(([^)]*)\) /.exec(input.description)?.[1]?.split(", ") ?? [];
      const [first, ...also] = stages;
      const where = first ? `${first} stage:` : "Flags of the whole run:";
      assert.ok(section(where).includes(`\n  --${input.name}  (`), `--${input.name} under ${where}`);
      const line = flagLine(help, input.name);
      assert.ok(!help.includes(`      (${stages.join(", ")}) `), "the stage prefix is not repeated");
      if (also.length > 0) assert.ok(line.includes(`also read by ${also.join(", ")}`), line);
      assert.ok(line.includes(envName(input.name)), line);
    }
    // Required: what the stage's own action requires, under the pipeline's name for it.
    const required = help
      .split("\n")
      .filter((line) => /^ {2}--[a-z-]+ {2}\(required/.test(line))
      .map((line) => line.trim().split(" ")[0]);
    const expected = STAGES.flatMap((stage) =>
      (ACTION_METADATA[stage]?.inputs ?? [])
        .filter((input) => input.required)
        .map(
          (input) =>
            PIPELINE_RENAMES[stage][input.name] ??
            (input.name in PIPELINE_RENAMES[stage] ? null : input.name),
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
