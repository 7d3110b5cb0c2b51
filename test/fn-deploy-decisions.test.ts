// fn-deploy's decisions, pure and table-tested: function config lines, what counts as a change (no-op
// detection), the ACTIVE wait's backoff, near matches for a mistyped application, image and registry
// references (and an image pinned by digest), and the default tag.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isUserError } from "../src/errors.ts";
import { defaultTag } from "../src/oci/functions/deploy-plan.ts";
import { changedSettings, type FunctionSettings } from "../src/oci/functions/function-changes.ts";
import { parseConfigLines } from "../src/oci/functions/function-config.ts";
import { editDistance, nearMatches } from "../src/oci/near-matches.ts";
import {
  parseImageReference,
  parseRegistryPrefix,
  pinnedReference,
} from "../src/oci/registry/image-reference.ts";
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
  // A line without "=": test/reliability/r4-cases.ts ("a config line without =", the whole line).
  const bad: [string, string, RegExp][] = [
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
  // The first value and the calls it took: cloud-waits.test.ts ("a 65 s wait prints one line ...").
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
});

describe("nearMatches", () => {
  it("orders by edit distance, ignoring case, then by listing order; at most five", () => {
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("", "abc"), 3);
    // Closest first ("fngateapps": fngate-apps, fngate-api, billing): fn-deploy-action.test.ts.
    assert.deepEqual(nearMatches("Hello", ["help", "hello", "HELLO"]), ["hello", "HELLO", "help"]);
    assert.equal(nearMatches("a", ["b", "c", "d", "e", "f", "g", "h"]).length, 5);
  });
});

describe("image and registry references", () => {
  const images: [string, ReturnType<typeof parseImageReference>][] = [
    ["phx.ocir.io/ns/hello:0.0.1", { name: "phx.ocir.io/ns/hello", tag: "0.0.1" }],
    ["127.0.0.1:5000/ns/team/hello:1", { name: "127.0.0.1:5000/ns/team/hello", tag: "1" }],
    [
      `phx.ocir.io/ns/hello@sha256:${"a".repeat(64)}`,
      { name: "phx.ocir.io/ns/hello", digest: `sha256:${"a".repeat(64)}` },
    ],
    ["phx.ocir.io/ns/hello", { name: "phx.ocir.io/ns/hello" }],
  ];
  for (const [text, expected] of images) {
    it(`reads ${text}`, () => assert.deepEqual(parseImageReference(text, "image"), expected));
  }
  // What a rollback names and previous-image gives: the tag dropped (it can move), the digest kept.
  const digest = `sha256:${"b".repeat(64)}`;
  const pinned: [string, string][] = [
    ["phx.ocir.io/ns/hello:0.0.1", `phx.ocir.io/ns/hello@${digest}`],
    ["127.0.0.1:5000/ns/team/hello:1", `127.0.0.1:5000/ns/team/hello@${digest}`],
    ["127.0.0.1:5000/ns/hello", `127.0.0.1:5000/ns/hello@${digest}`],
    [`phx.ocir.io/ns/hello:2@sha256:${"a".repeat(64)}`, `phx.ocir.io/ns/hello@${digest}`],
  ];
  for (const [image, expected] of pinned) {
    it(`pins ${image} by its digest`, () => assert.equal(pinnedReference(image, digest), expected));
  }
  const badImages = [
    "hello:1",
    "phx.ocir.io/hello:1",
    "phx.ocir.io/ns/Hello:1",
    "phx.ocir.io/ns/h@sha256:xyz",
  ];
  for (const text of badImages) {
    it(`refuses the image ${text}`, () => {
      assert.throws(
        () => parseImageReference(text, "image"),
        (e: unknown) =>
          isUserError(e) && e.message.startsWith(`image ${JSON.stringify(text)} is not an image`),
      );
    });
  }
  it("splits a registry prefix into host, namespace and the path below it", () => {
    assert.deepEqual(parseRegistryPrefix("ocir.ap-tokyo-1.oci.oraclecloud.com/ns/", "registry"), {
      host: "ocir.ap-tokyo-1.oci.oraclecloud.com",
      namespace: "ns",
      prefix: "",
    });
    assert.deepEqual(parseRegistryPrefix("fra.ocir.io/ns/team/api", "registry"), {
      host: "fra.ocir.io",
      namespace: "ns",
      prefix: "team/api",
    });
    for (const bad of ["fra.ocir.io", "https://fra.ocir.io/ns", "fra.ocir.io/NS"]) {
      assert.throws(
        () => parseRegistryPrefix(bad, "registry"),
        (e: unknown) => isUserError(e) && e.message.startsWith("registry "),
      );
    }
  });
});

describe("defaultTag", () => {
  const cases: [string | undefined, string | undefined, string][] = [
    ["0.0.1", "0123456789abcdef", "0.0.1-0123456"],
    ["0.0.1", undefined, "0.0.1"],
    [undefined, "0123456789abcdef", "0123456"],
    [undefined, undefined, "latest"],
  ];
  for (const [version, sha, tag] of cases) {
    it(`version ${version} + sha ${sha} -> ${tag}`, () => assert.equal(defaultTag(version, sha), tag));
  }
});
