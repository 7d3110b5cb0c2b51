import { UsageError } from "./usage-error.ts";

/** The command line split into the command, its flags and the CLI's own switches. */
export interface ParsedArgs {
  command: string | undefined;
  /** Flag values by name without dashes; a bare flag (`--federated`) is "true". */
  flags: Map<string, string>;
  /** The flags given without a value: allowed for true/false inputs only (see requireFlagValues). */
  bare: Set<string>;
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
    bare: new Set(),
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
        if (next === undefined || next.startsWith("--")) {
          value = "true";
          parsed.bare.add(name);
        } else {
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

/** An action input as the CLI metadata has it; it is true/false when its action.yml default is "true" or "false". */
export interface KnownFlag {
  name: string;
  default?: string;
  secret?: boolean;
}

/**
 * `--url` at the end of the line, or followed by another flag, is a mistake, not the value "true": a
 * usage error naming the flag. A true/false input (its action.yml default is "true" or "false") is the
 * exception: alone it means true (`--wait` is `--wait true`; `--wait false` turns it off). Unknown
 * flags are left to the inputs reader, which names them as unknown.
 */
export function requireFlagValues(
  args: ParsedArgs,
  inputs: readonly KnownFlag[],
  otherFlags: readonly string[],
): void {
  const byName = new Map(inputs.map((input) => [input.name, input]));
  for (const name of args.bare) {
    const input = byName.get(name);
    const isFile = name.endsWith("-file");
    const secretFile = isFile && byName.get(name.slice(0, -"-file".length))?.secret === true;
    if (!input && !secretFile && !otherFlags.includes(name)) continue;
    if (input?.default === "true" || input?.default === "false") continue;
    throw new UsageError(
      isFile ? `--${name} needs a path: --${name} <path>.` : `--${name} needs a value: --${name} <value>.`,
    );
  }
}
