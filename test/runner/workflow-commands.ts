// Workflow commands (`::name key=value,...::data`) as the runner reads them from a step's
// stdout and stderr, with the toolkit's escaping undone. Mirrors ActionCommand.TryParseV2:
// leading whitespace is ignored, unknown command names are plain log text.

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  /** file, line, endLine, col, endColumn, title — whatever the step sent, unescaped. */
  properties: Record<string, string>;
}

export interface WorkflowCommands {
  annotations: Annotation[];
  debug: string[];
  masks: string[];
  /** Titles of the ::group:: sections, in order. */
  groups: string[];
  /** Values sent with the deprecated ::set-output / ::save-state commands. */
  outputs: Record<string, string>;
  state: Record<string, string>;
}

const knownCommands = new Set([
  ...["add-mask", "add-matcher", "add-path", "debug", "echo", "endgroup", "error", "group"],
  ...["notice", "remove-matcher", "save-state", "set-env", "set-output", "stop-commands", "warning"],
]);

export interface ParsedCommand {
  name: string;
  properties: Record<string, string>;
  data: string;
}

export function unescapeData(value: string): string {
  return value.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%25", "%");
}

export function unescapeProperty(value: string): string {
  return value
    .replaceAll("%0D", "\r")
    .replaceAll("%0A", "\n")
    .replaceAll("%3A", ":")
    .replaceAll("%2C", ",")
    .replaceAll("%25", "%");
}

export function parseCommandLine(line: string): ParsedCommand | undefined {
  const message = line.trimStart();
  if (!message.startsWith("::")) return undefined;
  const end = message.indexOf("::", 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  if (!knownCommands.has(name)) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(",")) {
      const equals = pair.indexOf("=");
      // The runner drops pairs without a key or without a value.
      if (equals <= 0 || equals === pair.length - 1) continue;
      properties[pair.slice(0, equals)] = unescapeProperty(pair.slice(equals + 1));
    }
  }
  return { name, properties, data: unescapeData(message.slice(end + 2)) };
}

export function emptyWorkflowCommands(): WorkflowCommands {
  return { annotations: [], debug: [], masks: [], groups: [], outputs: {}, state: {} };
}

/** Reads every command in one output stream into `into` (stdout and stderr are both scanned). */
export function collectWorkflowCommands(text: string, into: WorkflowCommands): void {
  let stopToken: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (stopToken !== undefined) {
      if (line.trim() === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    const command = parseCommandLine(line);
    if (command === undefined) continue;
    switch (command.name) {
      case "error":
      case "warning":
      case "notice":
        into.annotations.push({ level: command.name, message: command.data, properties: command.properties });
        break;
      case "debug":
        into.debug.push(command.data);
        break;
      case "add-mask":
        if (command.data.trim() === "") {
          into.annotations.push(warning("Can't add secret mask for empty string in ##[add-mask] command."));
        } else {
          into.masks.push(command.data);
        }
        break;
      case "group":
        into.groups.push(command.data);
        break;
      case "stop-commands":
        stopToken = command.data;
        break;
      case "set-output":
      case "save-state": {
        const name = command.properties.name;
        if (name !== undefined) {
          (command.name === "set-output" ? into.outputs : into.state)[name] = command.data;
        }
        into.annotations.push(
          warning(
            `The \`${command.name}\` command is deprecated and will be disabled soon. Please upgrade to using Environment Files.`,
          ),
        );
        break;
      }
      case "set-env":
      case "add-path":
        into.annotations.push({
          level: "error",
          message: `The \`${command.name}\` command is disabled. Please upgrade to using Environment Files.`,
          properties: {},
        });
        break;
      default:
        // echo, endgroup, add-matcher, remove-matcher: nothing a test can observe.
        break;
    }
  }
}

function warning(message: string): Annotation {
  return { level: "warning", message, properties: {} };
}

/** The log as the workflow shows it: every registered secret replaced by ***. */
export function applyMasks(text: string, masks: readonly string[]): string {
  let masked = text;
  // Longest first, so a secret that contains another is hidden whole.
  for (const mask of [...masks].sort((a, b) => b.length - a.length)) {
    if (mask !== "") masked = masked.replaceAll(mask, "***");
  }
  return masked;
}

/** A stream without its ::add-mask:: lines, which the runner consumes and never shows in the log. */
export function withoutMaskCommands(text: string): string {
  return text
    .split("\n")
    .filter((line) => parseCommandLine(line)?.name !== "add-mask")
    .join("\n");
}
