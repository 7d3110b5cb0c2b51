import type { Logger } from "../step-context.ts";

/** One line a stage logged, kept until its stage ends. */
export interface LoggedLine {
  level: "info" | "warning" | "debug";
  message: string;
}

/**
 * A logger that keeps a stage's lines, so stages running side by side can each show theirs together
 * (GitHub: one log group per stage, written when the stage ends). A group inside it is a header line.
 */
export function keepingLogger(): { logger: Logger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const logger: Logger = {
    info: (message) => lines.push({ level: "info", message }),
    warning: (message) => lines.push({ level: "warning", message }),
    debug: (message) => lines.push({ level: "debug", message }),
    group: async (name, work) => {
      lines.push({ level: "info", message: `── ${name}` });
      return work();
    },
  };
  return { logger, lines };
}

/** A logger that names its stage on every line, for a log that shows stages side by side as they go. */
export function prefixedLogger(base: Logger, prefix: string): Logger {
  return {
    info: (message) => base.info(`${prefix}${message}`),
    warning: (message) => base.warning(`${prefix}${message}`),
    debug: (message) => base.debug(`${prefix}${message}`),
    group: async (name, work) => {
      base.info(`${prefix}── ${name}`);
      return work();
    },
  };
}
