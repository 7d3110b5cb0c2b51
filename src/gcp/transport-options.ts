import { Agent } from "node:https";

/**
 * Options for google-auth-library's HTTP transport (gaxios). Seeing HTTPS_PROXY, gaxios would load
 * https-proxy-agent on its own, which fails inside the action bundle ("is not a constructor"); the
 * actions already send every fetch through the runner's proxy (Node's own proxy support, see
 * src/http/runner-proxy.ts), and Node's fetch ignores `agent`. Giving gaxios an agent of its own
 * keeps it from looking for a proxy agent at all.
 */
export function transporterOptions(): { agent: Agent } {
  return { agent: new Agent({ keepAlive: true }) };
}
