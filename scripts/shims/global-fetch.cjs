// Node 24 has fetch built in; the OCI SDK's isomorphic-fetch/node-fetch polyfill (with its URL
// library) would only add ~300 KB to every bundle and then go unused.
"use strict";
const fetchFn = (...args) => globalThis.fetch(...args);
module.exports = fetchFn;
module.exports.default = fetchFn;
module.exports.Headers = globalThis.Headers;
module.exports.Request = globalThis.Request;
module.exports.Response = globalThis.Response;
