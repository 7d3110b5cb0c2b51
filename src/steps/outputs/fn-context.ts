import type { FnContextResult } from "../fn-context.ts";

/** fn-context's outputs, by the names in actions/fn-context/action.yml, for both adapters. */
export function fnContextOutputs(result: FnContextResult): Record<string, string> {
  return {
    "config-file": result.configFile,
    profile: result.profile,
    "key-file": result.keyFile,
    "context-name": result.contextName,
    "api-url": result.apiUrl,
    region: result.region,
    fingerprint: result.fingerprint,
    registry: result.registry,
    changed: String(result.changed.length > 0),
    ...(result.namespace ? { namespace: result.namespace } : {}),
    ...(result.securityTokenFile ? { "security-token-file": result.securityTokenFile } : {}),
    ...(result.sessionExpiresAt ? { "session-expires-at": result.sessionExpiresAt.toISOString() } : {}),
  };
}
