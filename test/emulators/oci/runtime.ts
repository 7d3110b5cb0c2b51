// What routes need besides state: the emulator's own URL (a function's invokeEndpoint), the real
// registry that says which images exist, and the runner that executes functions. Mutable so the
// URL can be filled in after listen() and a test can attach a registry it started later.
import type { RegistryClient } from "../registry/registry-client.ts";
import type { FunctionRunner } from "./fn-runtime/function-runner.ts";
import type { RegistryTokenService } from "./registry-tokens.ts";

export interface OciRuntime {
  baseUrl: string;
  registry: RegistryClient | undefined;
  runner: FunctionRunner;
  /** OCIR's token endpoint and, with a registry in token-auth mode, its realm. */
  registryTokens: RegistryTokenService;
}
