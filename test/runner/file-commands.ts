// The runner's file commands: one fresh file per command per step (as the runner's
// FileCommandManager does), read back after the step with the runner's own parsing rules.
import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Each file command's variable and the prefix of the runner's file name for it. */
const filePrefixes = {
  GITHUB_OUTPUT: "set_output",
  GITHUB_ENV: "set_env",
  GITHUB_PATH: "add_path",
  GITHUB_STATE: "save_state",
  GITHUB_STEP_SUMMARY: "step_summary",
} as const;
export type FileCommandVariable = keyof typeof filePrefixes;
export type FileCommandFiles = Record<FileCommandVariable, string>;

/** The runner refuses summaries over 1 MiB instead of uploading them. */
export const maxSummaryBytes = 1024 * 1024;

export async function createFileCommandFiles(dir: string): Promise<FileCommandFiles> {
  const suffix = randomUUID();
  const files = {} as FileCommandFiles;
  for (const [variable, prefix] of Object.entries(filePrefixes) as [FileCommandVariable, string][]) {
    const file = join(dir, `${prefix}_${suffix}`);
    await writeFile(file, "", { mode: 0o644 });
    files[variable] = file;
  }
  return files;
}

export interface ParsedKeyValues {
  values: Map<string, string>;
  errors: string[];
}

/**
 * Parses GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE: `name=value` lines and the heredoc form
 * `name<<DELIM` ... `DELIM` that @actions/core writes. Whichever of `=` and `<<` comes first
 * decides the form, as in the runner; a later duplicate name wins.
 */
export function parseKeyValueFile(text: string, variable: string): ParsedKeyValues {
  const values = new Map<string, string>();
  const errors: string[] = [];
  const lines = splitLines(text);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    if (line === "") continue;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === "") {
        errors.push(`Invalid ${variable} line (empty name): '${line}'`);
        continue;
      }
      values.set(name, line.slice(equals + 1));
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === "" || delimiter === "") {
        errors.push(`Invalid ${variable} line (empty name or delimiter): '${line}'`);
        continue;
      }
      const end = lines.indexOf(delimiter, index + 1);
      if (end < 0) {
        errors.push(`Invalid ${variable} value for '${name}': matching delimiter not found '${delimiter}'`);
        break;
      }
      values.set(name, lines.slice(index + 1, end).join("\n"));
      index = end;
    } else {
      errors.push(`Invalid ${variable} line: '${line}'`);
    }
  }
  return { values, errors };
}

export interface FileCommandResults {
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  addedPath: string[];
  state: Record<string, string>;
  summary: string;
  /** Unparseable files: the runner reports "Unable to process file command" and fails the step. */
  failures: string[];
  /** Refused commands: the runner reports an error but the step's outcome is unchanged. */
  errors: string[];
}

export async function readFileCommands(files: FileCommandFiles): Promise<FileCommandResults> {
  const read = (variable: FileCommandVariable) => readFile(files[variable], "utf8");
  const outputs = parseKeyValueFile(await read("GITHUB_OUTPUT"), "GITHUB_OUTPUT");
  const env = parseKeyValueFile(await read("GITHUB_ENV"), "GITHUB_ENV");
  const state = parseKeyValueFile(await read("GITHUB_STATE"), "GITHUB_STATE");
  const summary = await read("GITHUB_STEP_SUMMARY");
  const failures = [...outputs.errors, ...env.errors, ...state.errors];
  const errors: string[] = [];
  // The runner will not let a step change how later Node steps start.
  if (env.values.delete("NODE_OPTIONS")) {
    errors.push("Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
  }
  const summaryBytes = Buffer.byteLength(summary);
  if (summaryBytes > maxSummaryBytes) {
    errors.push(
      `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.ceil(summaryBytes / 1024)}k.`,
    );
  }
  return {
    outputs: Object.fromEntries(outputs.values),
    exportedEnv: Object.fromEntries(env.values),
    // GITHUB_PATH: one directory per non-empty line.
    addedPath: splitLines(await read("GITHUB_PATH")).filter((line) => line !== ""),
    state: Object.fromEntries(state.values),
    summary,
    failures,
    errors,
  };
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}
