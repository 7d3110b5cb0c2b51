import { homedir, tmpdir } from "node:os";
import * as core from "@actions/core";
import { proxySettings } from "../http/proxy-settings.ts";
import { endpointOverrides } from "../inputs/endpoint-overrides.ts";
import { secretPieces } from "../secret-pieces.ts";
import type { StepContext } from "../step-context.ts";

/** The StepContext a step gets when it runs as a GitHub Action; `signal` is the step's deadline. */
export function actionStepContext(env: NodeJS.ProcessEnv, signal: AbortSignal): StepContext {
  return {
    signal,
    logger: {
      info: (message) => core.info(message),
      warning: (message) => core.warning(message),
      debug: (message) => core.debug(message),
    },
    secrets: { register: maskSecret },
    endpoints: endpointOverrides(env),
    proxy: proxySettings(env),
    homeDir: homedir(),
    tempDir: env.RUNNER_TEMP || tmpdir(),
    workspaceDir: env.GITHUB_WORKSPACE || process.cwd(),
    now: () => new Date(),
  };
}

/** The runner matches masks within one log line: see secretPieces for what is registered and why. */
export function maskSecret(value: string): void {
  for (const piece of secretPieces(value, { acrossLines: false })) core.setSecret(piece);
}
