// The naming decisions of fn-deploy, pure and table-tested: near matches for a mistyped application,
// image and registry references (and an image pinned by digest), and the default tag.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isUserError } from "../src/errors.ts";
import { defaultTag } from "../src/oci/functions/deploy-plan.ts";
import { editDistance, nearMatches } from "../src/oci/near-matches.ts";
import {
  parseImageReference,
  parseRegistryPrefix,
  pinnedReference,
} from "../src/oci/registry/image-reference.ts";

describe("nearMatches", () => {
  it("orders by edit distance, ignoring case, then by listing order; at most five", () => {
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("", "abc"), 3);
    assert.deepEqual(nearMatches("fngateapps", ["billing", "fngate-api", "fngate-apps"]), [
      "fngate-apps",
      "fngate-api",
      "billing",
    ]);
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
