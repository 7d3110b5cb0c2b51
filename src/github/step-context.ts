import { homedir, tmpdir } from "node:os";
import * as core from "@actions/core";
import type { StepContext } from "../steps/step-context.ts";

/** The StepContext a step gets when it runs as a GitHub Action. */
export function actionStepContext(): StepContext {
  const endpoint = process.env.FNGATE_OCI_ENDPOINT?.trim();
  return {
    logger: {
      info: (message) => core.info(message),
      warning: (message) => core.warning(message),
      debug: (message) => core.debug(message),
    },
    secrets: { register: maskSecret },
    endpoints: endpoint ? { oci: endpoint.replace(/\/+$/, "") } : {},
    homeDir: homedir(),
    tempDir: process.env.RUNNER_TEMP || tmpdir(),
    now: () => new Date(),
  };
}

/**
 * The runner matches masks line by line, so a multi-line secret (a PEM) is masked one line at a time.
 * Armor lines and short lines are public knowledge and would only blank out harmless log text.
 */
export function maskSecret(value: string): void {
  if (value.trim() === "") return;
  const lines = value.split(/\r?\n/).map((line) => line.trim());
  if (lines.length === 1) {
    core.setSecret(value);
    return;
  }
  for (const line of lines) {
    if (line.length >= 8 && !line.startsWith("-----")) core.setSecret(line);
  }
}
