import { homedir, tmpdir } from "node:os";
import * as core from "@actions/core";
import type { EndpointOverrides, ProxySettings, StepContext } from "../steps/step-context.ts";
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

/** FNGATE_<CLOUD>_ENDPOINT overrides, trailing slashes removed; unset or blank means the real cloud. */
export function endpointOverrides(env: NodeJS.ProcessEnv): EndpointOverrides {
  const endpoints: EndpointOverrides = {};
  for (const [key, variable] of [
    ["oci", "FNGATE_OCI_ENDPOINT"],
    ["gcp", "FNGATE_GCP_ENDPOINT"],
    ["alibaba", "FNGATE_ALIBABA_ENDPOINT"],
  ] as const) {
    const value = env[variable]?.trim();
    if (value) endpoints[key] = value.replace(/\/+$/, "");
  }
  return endpoints;
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
