import { homedir, tmpdir } from "node:os";
import { proxySettings } from "../http/proxy-settings.ts";
import { endpointOverrides } from "../inputs/endpoint-overrides.ts";
import type { Logger, StepContext } from "../step-context.ts";
import type { Redactor } from "./redactor.ts";

/**
 * Where the CLI writes: progress and warnings to stderr (stdout stays free for --json), every line
 * through the redactor. Debug lines only with --debug or FNGATE_DEBUG=1. A log group is a header line
 * (a terminal or a CI log has nothing to fold).
 */
export interface CliLog extends Logger {
  error(message: string): void;
  /** Writes one line to stdout, redacted: the --json result. */
  result(text: string): void;
}

export function cliLog(redactor: Redactor, debug: boolean, prefix = () => ""): CliLog {
  const err = (text: string) => process.stderr.write(`${redactor.redact(text)}\n`);
  return {
    info: (message) => err(`${prefix()}${message}`),
    warning: (message) => err(`${prefix()}warning: ${message}`),
    debug: (message) => {
      if (debug) err(`${prefix()}debug: ${message}`);
    },
    group: (name, work) => {
      err(`${prefix()}── ${name}`);
      return work();
    },
    error: (message) => err(`error: ${message}`),
    result: (text) => process.stdout.write(`${redactor.redact(text)}\n`),
  };
}

/** The StepContext a step gets from the CLI: the same endpoint and proxy variables as the actions. */
export function cliStepContext(log: CliLog, redactor: Redactor, env: NodeJS.ProcessEnv): StepContext {
  return {
    logger: log,
    secrets: { register: (value) => redactor.add(value) },
    endpoints: endpointOverrides(env),
    proxy: proxySettings(env),
    homeDir: homedir(),
    tempDir: tmpdir(),
    workspaceDir: process.cwd(),
    now: () => new Date(),
  };
}
