import type { Logger } from "../step-context.ts";

/**
 * Lines work logs while it runs beside other work, held and shown later in one piece: when its
 * answer is used (a registry lookup for the platform built), or after a wait whose group they would
 * otherwise land in.
 */
export interface HeldLines {
  log(line: string): void;
  warn(line: string): void;
  /** Writes the held lines to `logger`, in order. */
  show(logger: Pick<Logger, "info" | "warning">): void;
}

export function heldLines(): HeldLines {
  const lines: [level: "info" | "warning", line: string][] = [];
  return {
    log: (line) => lines.push(["info", line]),
    warn: (line) => lines.push(["warning", line]),
    show: (logger) => {
      for (const [level, line] of lines) logger[level](line);
    },
  };
}
