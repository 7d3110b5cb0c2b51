import { actionMetadata, envName } from "./action-metadata.ts";
import type { CliCommand } from "./command.ts";

export const EXIT_CODES = [
  "0  success (a re-run with nothing to change is a success too)",
  "1  the step failed: bad input value, cloud error, failed smoke check",
  "2  usage error: unknown command or flag, a secret on the command line, a missing required flag",
  "3  the deadline (--deadline-minutes) was reached",
];

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
    "from FNGATE_<FLAG_NAME> (FNGATE_USER_OCID for --user-ocid). Secrets are never taken from the",
    "command line: set FNGATE_<NAME> or pass --<name>-file <path>.",
    "Progress goes to stderr; --json prints one result object on stdout.",
    "",
    "Exit codes:",
    ...EXIT_CODES.map((line) => `  ${line}`),
    "",
    "Run `fngate <command> --help` for a command's flags.",
  ].join("\n");
}

export function commandHelp(command: CliCommand): string {
  const inputs = command.action ? actionMetadata(command.action).inputs : [];
  const lines = [
    `fngate ${command.name}: ${command.summary}`,
    "",
    `Usage: fngate ${command.name} [flags] [--json]`,
    "",
  ];
  if (inputs.length > 0 || command.flags?.length) lines.push("Flags:");
  for (const input of inputs) {
    const how = input.secret
      ? `secret: ${envName(input.name)} or --${input.name}-file <path>`
      : `or ${envName(input.name)}`;
    const fallback = input.default === undefined ? "" : `; default ${JSON.stringify(input.default)}`;
    lines.push(`  --${input.name}  (${how}${fallback})`, `      ${input.description}`);
  }
  for (const flag of command.flags ?? []) lines.push(`  --${flag.name}`, `      ${flag.description}`);
  if (!inputs.some((input) => input.name === "deadline-minutes"))
    lines.push(
      "  --deadline-minutes  (or FNGATE_DEADLINE_MINUTES; default 15)",
      "      Overall deadline in minutes; the command fails cleanly (exit 3) when it is reached.",
    );
  lines.push("", "Exit codes:", ...EXIT_CODES.map((line) => `  ${line}`));
  return lines.join("\n");
}
