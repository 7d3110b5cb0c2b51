// The pure decisions behind deadline-minutes and the proxy: which values are accepted, how a wait
// that the deadline stopped is named, and which URLs NO_PROXY exempts (curl's reading of it).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDeadlineMinutes, startDeadline, WaitInterrupted } from "../src/deadline.ts";
import { proxyFor } from "../src/http/runner-proxy.ts";
import { pollUntil } from "../src/retry/backoff.ts";

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
  it("pollUntil throws WaitInterrupted naming what it waited for, without another attempt", async () => {
    const controller = new AbortController();
    let calls = 0;
    const polling = pollUntil(
      async () => {
        calls++;
        if (calls === 2) controller.abort(new Error("deadline"));
        return undefined;
      },
      {
        initialDelayMs: 1,
        maxDelayMs: 2,
        deadlineMs: 60_000,
        signal: controller.signal,
        describe: () => "waiting for the thing (still PENDING)",
      },
    );
    await assert.rejects(polling, (error: unknown) => {
      assert.ok(error instanceof WaitInterrupted);
      assert.equal(error.activity, "waiting for the thing (still PENDING)");
      return true;
    });
    assert.equal(calls, 2);
  });

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
