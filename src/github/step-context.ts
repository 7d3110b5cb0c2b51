import { homedir, tmpdir } from "node:os";
import * as core from "@actions/core";
import { endpointOverrides } from "../http/endpoint-overrides.ts";
import { secretPieces } from "../secret-pieces.ts";
import type { ProxySettings, StepContext } from "../step-context.ts";
import { stepDeadline } from "./step-deadline.ts";

/** The StepContext a step gets when it runs as a GitHub Action. */
export function actionStepContext(): StepContext {
  const signal = stepDeadline()?.signal;
  return {
    ...(signal ? { signal } : {}),
    logger: {
      info: (message) => core.info(message),
      warning: (message) => core.warning(message),
      debug: (message) => core.debug(message),
    },
    secrets: { register: maskSecret },
    endpoints: endpointOverrides(process.env),
    proxy: proxySettings(process.env),
    homeDir: homedir(),
    tempDir: process.env.RUNNER_TEMP || tmpdir(),
    workspaceDir: process.env.GITHUB_WORKSPACE || process.cwd(),
    now: () => new Date(),
  };
}

/** The proxy variables as curl reads them: the lower-case name wins over the upper-case one. */
export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const settings: ProxySettings = {};
  const pick = (name: string) => env[name.toLowerCase()]?.trim() || env[name]?.trim() || undefined;
  const httpsProxy = pick("HTTPS_PROXY");
  const httpProxy = pick("HTTP_PROXY");
  const noProxy = pick("NO_PROXY");
  if (httpsProxy) settings.httpsProxy = httpsProxy;
  if (httpProxy) settings.httpProxy = httpProxy;
  if (noProxy) settings.noProxy = noProxy;
  return settings;
}

/** The runner matches masks within one log line: see secretPieces for what is registered and why. */
export function maskSecret(value: string): void {
  for (const piece of secretPieces(value, { acrossLines: false })) core.setSecret(piece);
}
