import { readFileSync } from "node:fs";
import { UserError } from "../errors.ts";
import { checkInputText } from "../inputs/check-input-text.ts";
import { checkEach } from "../inputs/input-problems.ts";
import { inputShape, SINGLE_LINE_TEXT } from "../inputs/input-shapes.ts";
import {
  checkNow,
  fallbackValue,
  type InputReader,
  type MissingInput,
  parseBoolean,
  requiredFrom,
} from "../inputs/reader.ts";
import { type ActionMetadata, envName } from "./action-metadata.ts";
import type { Redactor } from "./redactor.ts";
import { UsageError } from "./usage-error.ts";

/**
 * The action inputs, read from the command line: `--name`, else FNGATE_<NAME>, else (secrets only)
 * the file named by `--name-file` or FNGATE_<NAME>_FILE, else the action.yml default, else the OCI
 * CLI variable the adapter names (OCI_CLI_USER...). That order is the runner's: a default is applied
 * before the adapter looks at its fallback variable. Secret values are never taken from argv.
 */
export function cliInputs(
  metadata: ActionMetadata,
  flags: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
  /** The command's own flags beyond the action's inputs; accepted, read elsewhere. */
  extraFlags: readonly string[] = [],
  /** The action whose input shapes apply (src/inputs/input-shapes.ts); none for a command without one. */
  action?: string,
): InputReader {
  const known = new Map(metadata.inputs.map((input) => [input.name, input]));
  const secret = new Set(metadata.inputs.filter((input) => input.secret).map((input) => input.name));
  checkFlags(known, secret, flags, new Set(extraFlags));
  const shapeOf = (name: string) => (known.has(name) ? inputShape(action, name) : SINGLE_LINE_TEXT);
  // Every flag and FNGATE_<NAME> up front, as the actions check every INPUT_*: an input read only on
  // some path is refused all the same. Secret files are checked when read.
  // Every one refused is named in one message.
  const texts: [label: string, value: string, name: string][] = [
    ...[...flags].map(([flag, value]): [string, string, string] => [`--${flag}`, value, flag]),
    ...[...known.keys()].flatMap((name): [string, string, string][] => {
      const value = env[envName(name)];
      return value ? [[envName(name), value, name]] : [];
    }),
  ];
  checkEach(texts, ([label, value, name]) => checkInputText(label, value.trim(), shapeOf(name)));

  // A secret file is read and checked once, however often the parser asks for its input.
  const fileTexts = new Map<string, string>();
  const secretFileText = (name: string): string | undefined => {
    const kept = fileTexts.get(name);
    if (kept !== undefined) return kept;
    const fileFlag = flags.get(`${name}-file`);
    const file = fileFlag ?? env[`${envName(name)}_FILE`];
    if (!file) return undefined;
    const text = readSecretFile(name, file, redactor);
    const label = fileFlag === undefined ? `${envName(name)}_FILE` : `--${name}-file`;
    checkInputText(`${label} (the file's text)`, text.trim(), shapeOf(name));
    fileTexts.set(name, text);
    return text;
  };
  const raw = (name: string): string | undefined => {
    const fromFlag = flags.get(name);
    if (fromFlag !== undefined) return fromFlag;
    const fromEnv = env[envName(name)];
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
    const fromFile = secret.has(name) ? secretFileText(name) : undefined;
    return fromFile ?? known.get(name)?.default;
  };
  const optional = (name: string, envFallback?: string): string | undefined => {
    const value = raw(name)?.trim();
    return value ? value : fallbackValue(env, envFallback, name);
  };
  const missing = (inputs: readonly MissingInput[]): UsageError => {
    const [only, ...more] = inputs;
    if (only && more.length === 0) {
      const how = secret.has(only.name)
        ? `set ${envName(only.name)} or pass --${only.name}-file <path>`
        : `pass --${only.name} <value> or set ${envName(only.name)}`;
      const also = only.envFallback ? ` (or ${only.envFallback})` : "";
      return new UsageError(`--${only.name} is required: ${how}${also}.`);
    }
    const flags = inputs.map((input) => `--${input.name}`);
    const secrets = inputs.filter((input) => secret.has(input.name)).map((input) => input.name);
    const fallbacks = inputs.flatMap((input) => (input.envFallback ? [input.envFallback] : []));
    const ways = [
      secrets.length < inputs.length ? "pass each as --<name> <value> or set FNGATE_<NAME>" : "",
      secrets.length > 0 ? `set ${secrets.map(envName).join(", ")} or pass --<name>-file <path>` : "",
    ].filter(Boolean);
    const also = fallbacks.length > 0 ? ` (or ${fallbacks.join(", ")})` : "";
    return new UsageError(
      `${flags.slice(0, -1).join(", ")} and ${flags.at(-1)} are required: ${ways.join("; ")}${also}.`,
    );
  };
  return {
    optional,
    required: requiredFrom(optional, missing),
    boolean: (name, fallback) => parseBoolean(`--${name}`, raw(name)?.trim(), fallback),
    mask: (value) => redactor.add(value),
    missing,
    field: checkNow,
  };
}

function checkFlags(
  known: ReadonlyMap<string, unknown>,
  secret: ReadonlySet<string>,
  flags: ReadonlyMap<string, string>,
  extra: ReadonlySet<string>,
): void {
  for (const [flag, value] of flags) {
    if (extra.has(flag)) continue;
    if (secret.has(flag)) {
      throw new UsageError(
        `--${flag} takes a secret, and the command line is visible to other processes and kept in shell history: set ${envName(flag)} or pass --${flag}-file <path> instead.`,
      );
    }
    const secretFile = flag.endsWith("-file") ? flag.slice(0, -"-file".length) : undefined;
    if (secretFile && secret.has(secretFile)) {
      if (value === "true") throw new UsageError(`--${flag} needs a path.`);
      continue;
    }
    if (!known.has(flag)) {
      throw new UsageError(`unknown flag --${flag}: see --help for this command's flags.`);
    }
  }
}

function readSecretFile(name: string, path: string, redactor: Redactor): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new UserError(`--${name}-file: cannot read ${path} (${code}); give the path of a readable file.`);
  }
  redactor.add(text);
  // A trailing newline from `echo ... > file` is not part of a token; PEM text keeps its shape.
  return text.includes("-----BEGIN") ? text : text.replace(/\r?\n$/, "");
}
