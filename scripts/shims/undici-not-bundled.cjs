// @actions/http-client and @actions/github import undici only for a proxy dispatcher and the fetch
// that uses it; fngate's proxy comes from Node's own support (src/http/runner-proxy.ts), which the
// global fetch follows, and fngate hands octokit the global fetch. Leaving undici out keeps ~0.7 MB out
// of every bundle. The stand-ins are inert until used: building a ProxyAgent (which @actions/github
// does at import time when HTTPS_PROXY is set) is harmless, and any use of one, or of undici's fetch,
// fails loudly instead of calling around the proxy.
"use strict";
const NOT_BUNDLED =
  "undici is not bundled with fngate: use the global fetch, which follows the runner's proxy";
class ProxyAgent {
  dispatch() {
    throw new Error(NOT_BUNDLED);
  }
}
function fetch() {
  return Promise.reject(new Error(NOT_BUNDLED));
}
module.exports = { ProxyAgent, fetch };
