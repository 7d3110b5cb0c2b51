import { UsageError } from "./usage-error.ts";

/** The command line split into the command, its flags and the CLI's own switches. */
export interface ParsedArgs {
  command: string | undefined;
  /** Flag values by name without dashes; a bare flag (`--federated`) is "true". */
  flags: Map<string, string>;
  json: boolean;
  help: boolean;
  version: boolean;
  debug: boolean;
}

const SWITCHES = new Set(["json", "help", "version", "debug"]);

/** `--name value`, `--name=value` and bare boolean flags; one command word before or between them. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = {
    command: undefined,
    flags: new Map(),
    json: false,
    help: false,
    version: false,
    debug: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? "";
    if (arg === "-h") parsed.help = true;
    else if (arg === "-v") parsed.version = true;
    else if (arg.startsWith("--")) {
      const equals = arg.indexOf("=");
      const name = arg.slice(2, equals > 0 ? equals : undefined);
      if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new UsageError(`${arg}: not a flag name.`);
      if (SWITCHES.has(name) && equals < 0) {
        parsed[name as "json" | "help" | "version" | "debug"] = true;
        continue;
      }
      let value: string;
      if (equals > 0) value = arg.slice(equals + 1);
      else {
        const next = argv[index + 1];
        if (next === undefined || next.startsWith("--")) value = "true";
        else {
          value = next;
          index++;
        }
      }
      if (parsed.flags.has(name)) throw new UsageError(`--${name} is given twice.`);
      parsed.flags.set(name, value);
    } else if (parsed.command === undefined) parsed.command = arg;
    else throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: flags start with --.`);
  }
  return parsed;
}
