import { PIPELINE_RENAMES, STAGES } from "../inputs/pipeline-stages.ts";
import { ACTION_METADATA, actionMetadata, envName, type InputMetadata } from "./action-metadata.ts";
import { cliWording, FEDERATED_TOKEN_NOTE } from "./cli-wording.ts";
import type { CliCommand } from "./command.ts";

export const EXIT_CODES = [
  "0  success (a re-run with nothing to change is a success too)",
  "1  the command failed: bad input value, cloud error, failed smoke check",
  "2  usage error: unknown command or flag, a flag without its value, a secret on the command line, a missing required flag",
  "3  the deadline (--deadline-minutes) was reached",
];

const WIDTH = 100;

export function generalHelp(commands: readonly CliCommand[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `fngate ${version}: from a repository to a live HTTPS API only authenticated callers can reach, and proof that it works.`,
    "",
    "Usage: fngate <command> [--flag value ...] [--json] [--debug]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Flags are the inputs of the action of the same name, with the same defaults; each may also come",
    "from FNGATE_<FLAG_NAME> (FNGATE_USER_OCID for --user-ocid). Every flag takes a value, except",
    "true/false flags: alone they mean true (--wait is --wait true; --wait false turns it off).",
    "Secrets are never taken from the command line: set FNGATE_<NAME> or pass --<name>-file <path>.",
    "Keyless sign-in reads the CI system's OIDC token from FNGATE_FEDERATED_TOKEN or",
    "FNGATE_FEDERATED_TOKEN_FILE. Progress goes to stderr; --json prints one result object on stdout.",
    "",
    "Exit codes:",
    ...EXIT_CODES.map((line) => `  ${line}`),
    "",
    "Run `fngate <command> --help` for a command's flags.",
  ].join("\n");
}

/** One flag as --help shows it: the input, and what the command adds to its description. */
interface HelpFlag {
  input: InputMetadata;
  /** "required", or for the pipeline "required unless --skip names <stage>"; undefined when optional. */
  required?: string;
  /** The pipeline's other stages reading the same flag. */
  alsoStages?: readonly string[];
}

interface FlagGroup {
  title: string;
  flags: HelpFlag[];
}

export function commandHelp(command: CliCommand): string {
  const inputs = command.action ? actionMetadata(command.action).inputs : [];
  const groups: FlagGroup[] =
    command.action === "pipeline"
      ? pipelineGroups(inputs)
      : [
          {
            title: "Flags:",
            flags: inputs.map((input) => ({ input, ...(input.required ? { required: "required" } : {}) })),
          },
        ];
  const requiredFlags = groups
    .flatMap((group) => group.flags)
    .filter((flag) => flag.required === "required")
    .map(({ input }) => (input.secret ? `--${input.name}-file <path>` : `--${input.name} <value>`));
  const lines = [
    `fngate ${command.name}: ${command.summary}`,
    "",
    `Usage: fngate ${[command.name, ...requiredFlags].join(" ")} [flags] [--json]`,
  ];
  let federated = false;
  for (const group of groups) {
    if (group.flags.length === 0) continue;
    lines.push("", group.title);
    for (const flag of group.flags) {
      const description = cliWording(flag.input.description);
      federated ||= description.includes("the CI's OIDC token");
      lines.push(flagLine(flag), ...wrap(description));
    }
  }
  const own = command.flags ?? [];
  if (own.length > 0 || !inputs.some((input) => input.name === "deadline-minutes")) {
    lines.push("", inputs.length > 0 ? "Flags of the command line only:" : "Flags:");
    for (const flag of own)
      lines.push(`  --${flag.name}  (${flag.value ?? "a path"})`, ...wrap(flag.description));
    if (!inputs.some((input) => input.name === "deadline-minutes"))
      lines.push(
        "  --deadline-minutes  (or FNGATE_DEADLINE_MINUTES; default 15)",
        ...wrap("Overall deadline in minutes; the command stops cleanly (exit 3) when it is reached."),
      );
  }
  if (federated) lines.push("", ...wrap(FEDERATED_TOKEN_NOTE, ""));
  lines.push("", "Exit codes:", ...EXIT_CODES.map((line) => `  ${line}`));
  return lines.join("\n");
}

/** `  --name  (required; or FNGATE_NAME; default "x")`: how to give the flag, before its description. */
function flagLine({ input, required, alsoStages }: HelpFlag): string {
  const notes: string[] = [];
  if (required) notes.push(required);
  if (input.default === "true" || input.default === "false")
    notes.push(`true/false; --${input.name} alone means true`);
  notes.push(
    input.secret
      ? `secret: ${envName(input.name)} or --${input.name}-file <path>`
      : `or ${envName(input.name)}`,
  );
  if (input.default !== undefined) notes.push(`default ${JSON.stringify(input.default)}`);
  if (alsoStages?.length) notes.push(`also read by ${alsoStages.join(", ")}`);
  return `  --${input.name}  (${notes.join("; ")})`;
}

/**
 * The pipeline's flags by stage, in the order the stages run: its own flags first, then each stage's.
 * The root action.yml starts a stage input's description with "(fn-context, ocir-login) "; a flag goes
 * under the first stage named, and is required unless skipped when that stage's own action requires it.
 */
function pipelineGroups(inputs: readonly InputMetadata[]): FlagGroup[] {
  const groups: FlagGroup[] = [
    { title: "Flags of the whole run:", flags: [] },
    ...STAGES.map((stage) => ({ title: `${stage} stage:`, flags: [] })),
  ];
  for (const input of inputs) {
    const match = /^\(([a-z-]+(?:, [a-z-]+)*)\) /.exec(input.description);
    const stages = (match?.[1]?.split(", ") ?? []).filter((name) =>
      (STAGES as readonly string[]).includes(name),
    );
    const [first, ...also] = stages;
    const description =
      match && stages.length > 0 ? input.description.slice(match[0].length) : input.description;
    const flag: HelpFlag = { input: { ...input, description }, alsoStages: also };
    const requiredBy = stages.find((stage) => stageRequires(stage, input.name));
    const handedOverBy = HANDED_OVER[input.name];
    if (requiredBy && handedOverBy)
      flag.required = `required when --skip names ${handedOverBy} but not ${requiredBy}`;
    else if (requiredBy) flag.required = `required unless --skip names ${requiredBy}`;
    (groups[first ? STAGES.indexOf(first as (typeof STAGES)[number]) + 1 : 0] ?? groups[0])?.flags.push(flag);
  }
  return groups;
}

/**
 * Inputs a stage requires that an earlier stage hands over when it runs (src/inputs/pipeline.ts): the
 * smoke test calls the URL gateway-deploy deployed, so --url is needed only when that stage is skipped.
 */
const HANDED_OVER: Readonly<Record<string, string>> = { url: "gateway-deploy" };

/** Whether `stage`'s own action.yml requires the input the pipeline offers as `name`. */
function stageRequires(stage: string, name: string): boolean {
  const renames: Record<string, string | null> = PIPELINE_RENAMES[stage as (typeof STAGES)[number]] ?? {};
  return (ACTION_METADATA[stage]?.inputs ?? []).some(
    (input) => input.required && (input.name in renames ? renames[input.name] : input.name) === name,
  );
}

/** A description as indented lines of at most WIDTH columns. */
function wrap(text: string, indent = "      "): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}
