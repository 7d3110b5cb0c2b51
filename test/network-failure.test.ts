// A smoke check that gets no answer says why in words, with the code first and the proxy named.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { it } from "node:test";
import { probe } from "../src/http/http-probe.ts";
import { explainNetworkFailure } from "../src/http/network-failure.ts";

it("explains the codes a user meets, keeping the code first", () => {
  const cases: [string, string, RegExp][] = [
    [
      "ECONNREFUSED",
      "https://api.example.com/hello",
      /^ECONNREFUSED \(nothing listens at api\.example\.com:443\)$/,
    ],
    [
      "ENOTFOUND",
      "https://typo.example.com/",
      /^ENOTFOUND \(host typo\.example\.com not found: check the URL's host name\)$/,
    ],
    [
      "SELF_SIGNED_CERT_IN_CHAIN",
      "https://api.internal:8443/",
      /^SELF_SIGNED_CERT_IN_CHAIN \(the TLS certificate of api\.internal is not trusted: if the API uses a private CA, set NODE_EXTRA_CA_CERTS to its PEM file\)$/,
    ],
    ["ECONNRESET", "http://10.0.0.1/", /^ECONNRESET \(10\.0\.0\.1:80 closed the connection\)$/],
    ["EWHATEVER", "https://api.example.com/", /^EWHATEVER$/],
  ];
  for (const [code, url, expected] of cases) assert.match(explainNetworkFailure(code, url), expected);
  assert.match(
    explainNetworkFailure("ECONNREFUSED", "https://api.example.com/", "http://proxy.corp:3128"),
    /^ECONNREFUSED \(nothing listens at api\.example\.com:443, through the proxy http:\/\/proxy\.corp:3128 \(HTTPS_PROXY\)\)$/,
  );
});

it("a real refused connection reads as nothing listening at host:port", async () => {
  // A port that was just free: nothing listens there now.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const outcome = await probe({
    url: `http://127.0.0.1:${port}/`,
    method: "GET",
    headers: {},
    timeoutMs: 5000,
  });
  assert.equal(outcome.kind, "error");
  assert.equal(
    outcome.kind === "error" && outcome.message,
    `ECONNREFUSED (nothing listens at 127.0.0.1:${port})`,
  );
});
