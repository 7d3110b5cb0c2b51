import type { OcirLoginResult } from "../ocir-login.ts";

/** ocir-login's outputs, by the names in actions/ocir-login/action.yml, for both adapters. */
export function ocirLoginOutputs(result: OcirLoginResult): Record<string, string> {
  return {
    registry: result.registry,
    username: result.username,
    namespace: result.namespace,
    "image-prefix": result.imagePrefix,
    "token-expires-at": result.tokenLogin?.expiresAt ?? "",
  };
}
