// @actions/http-client imports undici only for getAgentDispatcher(), which no fngate code calls; the
// proxy comes from Node's own support (src/http/runner-proxy.ts). Leaving undici out keeps ~0.7 MB out
// of every bundle; a caller that does reach it gets a plain error instead of a silent direct call.
"use strict";
class ProxyAgent {
  constructor() {
    throw new Error("undici is not bundled with fngate (getAgentDispatcher is not supported)");
  }
}
module.exports = { ProxyAgent };
