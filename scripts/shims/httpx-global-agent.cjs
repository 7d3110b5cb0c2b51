// The Alibaba SDKs send every call through httpx, which keeps keep-alive agents of its own and so
// never sees the proxy the adapter puts on Node's global agents (HTTPS_PROXY/HTTP_PROXY/NO_PROXY, see
// src/http/runner-proxy.ts). A call without an explicit agent uses Node's global agent instead.
// Required by relative path: the build aliases the package name "httpx" to this file.
"use strict";
const http = require("node:http");
const https = require("node:https");
const httpx = require("../../node_modules/httpx/lib/index.js");

module.exports = {
  ...httpx,
  request(url, opts = {}) {
    if (opts.agent) return httpx.request(url, opts);
    const protocol = typeof url === "string" ? new URL(url).protocol : url.protocol;
    return httpx.request(url, {
      ...opts,
      agent: protocol === "https:" ? https.globalAgent : http.globalAgent,
    });
  },
};
