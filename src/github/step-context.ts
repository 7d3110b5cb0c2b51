import { homedir, tmpdir } from "node:os";
import * as core from "@actions/core";
import { proxySettings } from "../http/proxy-settings.ts";
import type { RunnerProxy } from "../http/runner-proxy.ts";
import { endpointOverrides } from "../inputs/endpoint-overrides.ts";
import { secretPieces } from "../secret-pieces.ts";
import type { Logger, StepContext } from "../step-context.ts";

/**
 * The StepContext a step gets when it runs as a GitHub Action: `signal` is the step's deadline, `proxy`
 * the runner's proxy as runMain/runPost applied it (its refusals stop OCI retries).
 */
export function actionStepContext(
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  proxy: Pick<RunnerProxy, "failure">,
): StepContext {
  return {
    signal,
    proxyRefusal: proxy.failure,
    logger: actionLogger(),
    secrets: { register: maskSecret },
    endpoints: endpointOverrides(env),
    proxy: proxySettings(env),
    homeDir: homedir(),
    tempDir: env.RUNNER_TEMP || tmpdir(),
    workspaceDir: env.GITHUB_WORKSPACE || process.cwd(),
    now: () => new Date(),
  };
}

/**
 * The step's log on the runner. GitHub's log groups do not nest: the inner ::endgroup:: closes the outer
 * group too, and the rest of it falls outside (actions/runner#802). So a group asked for while one is
 * open (a build inside a pipeline stage) is a plain line. The depth lives on the logger itself: each
 * step context has its own.
 */
export function actionLogger(): Logger {
  let depth = 0;
  return {
    info: (message) => core.info(message),
    warning: (message) => core.warning(message),
    debug: (message) => core.debug(message),
    async group(name, work) {
      if (depth > 0) {
        core.info(`── ${name}`);
        return work();
      }
      depth += 1;
      try {
        return await core.group(name, work);
      } finally {
        depth -= 1;
      }
    },
  };
}

/** The runner matches masks within one log line: see secretPieces for what is registered and why. */
export function maskSecret(value: string): void {
  for (const piece of secretPieces(value, { acrossLines: false })) core.setSecret(piece);
}
