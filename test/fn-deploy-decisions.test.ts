import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isUserError } from "../src/errors.ts";
import { changedSettings, type FunctionSettings } from "../src/oci/functions/function-changes.ts";
import { parseConfigLines } from "../src/oci/functions/function-config.ts";
import { pollUntil } from "../src/retry/backoff.ts";

describe("parseConfigLines", () => {
  it("reads KEY=VALUE lines, skipping blanks and comments; values keep '=' and inner spaces", () => {
    assert.deepEqual(
      parseConfigLines(
        "# db\nDB_URL=postgres://u:p@h/db?x=1\n\n  GREETING = hello world  \r\nEMPTY=\n",
        "config",
      ),
      {
        DB_URL: "postgres://u:p@h/db?x=1",
        GREETING: "hello world",
        EMPTY: "",
      },
    );
  });
  const bad: [string, string, RegExp][] = [
    ["no equals sign", "JUSTAKEY", /^config line 1: expected KEY=VALUE/],
    ["key starting with a digit", "ok=1\n1BAD=x", /^config line 2: "1BAD" is not a valid key/],
    ["key with a dash", "MY-KEY=x", /^config line 1: "MY-KEY" is not a valid key/],
    ["duplicate key", "A=1\nA=2", /^config line 2: A is set twice/],
    ["over 4 KB", `BIG=${"x".repeat(5000)}`, /^config is \d+ bytes; OCI Functions accepts at most 4096/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parseConfigLines(text, "config"),
        (e: unknown) => isUserError(e) && message.test(e.message),
      );
    });
  }
});

describe("changedSettings (no-op detection)", () => {
  const desired: FunctionSettings = {
    image: "ocir.ap-tokyo-1.oci.oraclecloud.com/ns/hello:0.0.1",
    imageDigest: "sha256:aa",
    memoryInMBs: 256,
    timeoutInSeconds: 30,
    config: { A: "1", B: "2" },
  };
  const cases: Record<string, [Partial<FunctionSettings>, string[]]> = {
    "identical, config in another order": [{ ...desired, config: { B: "2", A: "1" } }, []],
    "new digest": [{ ...desired, imageDigest: "sha256:bb" }, ["imageDigest"]],
    "same digest under a new tag": [
      { ...desired, image: "ocir.ap-tokyo-1.oci.oraclecloud.com/ns/hello:0.0.2" },
      ["image"],
    ],
    "memory and timeout": [
      { ...desired, memoryInMBs: 128, timeoutInSeconds: 60 },
      ["memoryInMBs", "timeoutInSeconds"],
    ],
    "a config value changed": [{ ...desired, config: { A: "1", B: "3" } }, ["config"]],
    "a config key removed": [{ ...desired, config: { A: "1" } }, ["config"]],
    "nothing deployed yet": [{}, ["image", "imageDigest", "memoryInMBs", "timeoutInSeconds", "config"]],
  };
  for (const [name, [current, expected]] of Object.entries(cases)) {
    it(name, () => assert.deepEqual(changedSettings(current, desired), expected));
  }
});

describe("pollUntil", () => {
  it("backs off with jitter, doubling up to the cap, and stops at the deadline", async () => {
    let clock = 0;
    const waits: number[] = [];
    const result = await pollUntil(async () => undefined, {
      initialDelayMs: 100,
      maxDelayMs: 400,
      deadlineMs: 1000,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      random: () => 1,
    });
    assert.equal(result.value, undefined);
    assert.deepEqual(waits, [100, 200, 400, 300]);
    assert.equal(result.calls, 5);
  });

  it("returns the first value and how many calls it took", async () => {
    let n = 0;
    const result = await pollUntil(async () => (++n === 3 ? "ACTIVE" : undefined), {
      initialDelayMs: 1,
      maxDelayMs: 1,
      deadlineMs: 1000,
      sleep: async () => {},
    });
    assert.deepEqual(result, { value: "ACTIVE", calls: 3 });
  });
});
