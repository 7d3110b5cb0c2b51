// The pure decisions behind deadline-minutes and the network: which values are accepted, how a wait
// that the deadline stopped is named (pollUntil's own interruption: cloud-waits.test.ts), which URLs
// NO_PROXY exempts (curl's reading of it), and how a call that got no answer is explained in words,
// with the code first and the proxy named.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { parseDeadlineMinutes, startDeadline, WaitInterrupted } from "../src/deadline.ts";
import { probe } from "../src/http/http-probe.ts";
import { explainNetworkFailure } from "../src/http/network-failure.ts";
import { proxyFor } from "../src/http/runner-proxy.ts";

describe("deadline-minutes values", () => {
  for (const [text, minutes] of [
    [undefined, 15],
    ["", 15],
    ["  ", 15],
    ["15", 15],
    ["0.05", 0.05],
    [".5", 0.5],
    ["360", 360],
  ] as const) {
    it(`${JSON.stringify(text)} -> ${minutes}`, () => assert.equal(parseDeadlineMinutes(text), minutes));
  }
  for (const text of ["0", "-1", "360.5", "1e2", "15m", "abc", "Infinity", "NaN", "0x10"]) {
    it(`${JSON.stringify(text)} is refused, naming the input`, () =>
      assert.throws(
        () => parseDeadlineMinutes(text),
        /^UserError: deadline-minutes must be a number of minutes above 0 and at most 360/,
      ));
  }
});

describe("a wait stopped by the deadline", () => {
  it("the message names the wait and, in a pipeline, the stage it ran in", async () => {
    const deadline = startDeadline(0.0005, "running pipeline");
    const work = deadline.during("the gateway-deploy stage", async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      throw new WaitInterrupted("waiting for work request X (still IN_PROGRESS)", deadline.signal.reason);
    });
    const error = await deadline.race(work).catch((caught: unknown) => caught);
    assert.equal(deadline.signal.aborted, true);
    assert.equal(
      deadline.message(error),
      "deadline-minutes (0.0005) reached while waiting for work request X (still IN_PROGRESS) in the gateway-deploy stage; raise deadline-minutes if the step needs longer, or find out what is slow.",
    );
    deadline.stop();
  });

  it("work that ignores the signal is cut off after the grace period", async () => {
    const deadline = startDeadline(0.0005);
    const started = Date.now();
    const never = new Promise<void>(() => {});
    await assert.rejects(deadline.race(never, 50), /deadline-minutes \(0\.0005\) reached/);
    assert.ok(Date.now() - started < 1000);
    assert.equal(deadline.message(new Error("x")).includes("while running the step;"), true);
  });
});

describe("NO_PROXY, as curl reads it", () => {
  const proxy = { httpsProxy: "http://proxy:3128" };
  const cases: [string, string | undefined, string | undefined][] = [
    ["https://oci.example.com/x", undefined, "http://proxy:3128"],
    ["https://oci.example.com/x", "example.com", undefined],
    ["https://oci.example.com/x", ".example.com", undefined],
    ["https://oci.example.com/x", "*.example.com", undefined],
    ["https://example.com/x", "example.com", undefined],
    ["https://notexample.com/x", "example.com", "http://proxy:3128"],
    ["https://oci.example.com:8443/x", "oci.example.com:443", "http://proxy:3128"],
    ["https://oci.example.com:8443/x", "oci.example.com:8443", undefined],
    ["https://oci.example.com/x", "*", undefined],
    ["https://127.0.0.1:1234/x", "localhost", "http://proxy:3128"],
    ["https://127.0.0.1:1234/x", "localhost, 127.0.0.1", undefined],
    ["https://[::1]:1234/x", "[::1]", undefined],
    ["http://plain.example.com/x", undefined, undefined],
  ];
  for (const [url, noProxy, expected] of cases) {
    it(`${url} with NO_PROXY=${JSON.stringify(noProxy ?? "")} -> ${expected ?? "direct"}`, () =>
      assert.equal(proxyFor(url, { ...proxy, ...(noProxy === undefined ? {} : { noProxy }) }), expected));
  }
});

describe("a call that got no answer", () => {
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
});
