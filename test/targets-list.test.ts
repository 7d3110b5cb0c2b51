// The targets list (src/inputs/targets.ts), as the reusable workflows' matrix job and `fngate … --targets`
// read it: every form a user can write in a `with:` block or on a command line, and every refusal as
// the one line the user reads; and the bounded pool `fngate … --targets` runs them in.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { settleInPool } from "../src/cli/target-pool.ts";
import { UserError } from "../src/errors.ts";
import { parseTargets, targetRunLabel } from "../src/inputs/targets.ts";

const brief = (text: string, region?: string, keys: string[] = []) =>
  parseTargets(text, region, keys).map(({ name, region, suffix, settings }) =>
    Object.keys(settings).length > 0 ? { name, region, suffix, settings } : { name, region, suffix },
  );

describe("the forms a targets list takes", () => {
  const iadFra = [
    { name: "iad", region: "us-ashburn-1", suffix: "" },
    { name: "eu-frankfurt-1", region: "eu-frankfurt-1", suffix: "" },
  ];
  const forms: Record<string, string> = {
    "a JSON array of strings and maps": '[{"region":"us-ashburn-1","name":"iad"},"eu-frankfurt-1"]',
    "a YAML block list": "- region: us-ashburn-1\n  name: iad\n- eu-frankfurt-1\n",
    "a YAML flow list": "[ {region: us-ashburn-1, name: iad}, eu-frankfurt-1 ]",
    "commas, name=region": "iad=us-ashburn-1, eu-frankfurt-1",
    "one per line": "iad = us-ashburn-1\neu-frankfurt-1\n",
  };
  for (const [form, text] of Object.entries(forms)) {
    it(form, () => assert.deepEqual(brief(text), iadFra));
  }

  it("without targets, region alone is the one target, named after it", () => {
    assert.deepEqual(brief("", "ap-tokyo-1"), [{ name: "ap-tokyo-1", region: "ap-tokyo-1", suffix: "" }]);
    assert.deepEqual(brief("  ", "asia-northeast1"), [
      { name: "asia-northeast1", region: "asia-northeast1", suffix: "" },
    ]);
  });

  it("targets sharing a region get their name appended to their resource names; the others do not", () => {
    assert.deepEqual(brief("blue=us-ashburn-1, green=us-ashburn-1, eu-frankfurt-1"), [
      { name: "blue", region: "us-ashburn-1", suffix: "-blue" },
      { name: "green", region: "us-ashburn-1", suffix: "-green" },
      { name: "eu-frankfurt-1", region: "eu-frankfurt-1", suffix: "" },
    ]);
  });

  it("a target sets only the inputs the caller allows it", () => {
    const text =
      '[{"region":"us-ashburn-1","name":"iad","gateway-ocid":"ocid1.apigateway.oc1.iad.a"},"eu-frankfurt-1"]';
    assert.deepEqual(brief(text, undefined, ["gateway-ocid"]), [
      {
        name: "iad",
        region: "us-ashburn-1",
        suffix: "",
        settings: { "gateway-ocid": "ocid1.apigateway.oc1.iad.a" },
      },
      { name: "eu-frankfurt-1", region: "eu-frankfurt-1", suffix: "" },
    ]);
  });

  it("a run label gains the target's name, whole, within the 63 characters a label holds", () => {
    const [iad] = parseTargets("iad=us-ashburn-1", undefined);
    assert.ok(iad);
    assert.equal(targetRunLabel("123-1", iad), "123-1-iad");
    assert.equal(targetRunLabel(undefined, iad), undefined);
    const long = targetRunLabel("x".repeat(63), iad) ?? "";
    assert.equal(long.length, 63);
    assert.ok(long.endsWith("-iad"));
  });
});

describe("what a targets list refuses, in the line the user reads", () => {
  const form =
    'write a list: a JSON array such as ["us-ashburn-1", {"region": "eu-frankfurt-1", "name": "fra"}], YAML lines "- us-ashburn-1", or regions separated by commas (name=region to name one).';
  // The fixes several refusals end with; each message is still compared whole.
  const OWN_NAME = 'give each target its own name ({"region": "...", "name": "..."} or name=region).';
  const GIVE_REGION = 'give a region or {"region": "...", "name": "..."}.';
  const NOT_A_REGION_ID = "is not a region id; use one such as us-ashburn-1, asia-northeast1 or cn-hangzhou.";
  const refusals: [what: string, text: string, message: string | RegExp, region?: string][] = [
    ["nothing at all", "", "targets or region is required: name the region to deploy to."],
    ["an empty list", "[]", "targets is an empty list: name at least one region."],
    ["only commas", " , ,", "targets is an empty list: name at least one region."],
    ["a broken JSON array", '["us-ashburn-1"', /^targets is not a valid list \(.+\); write a list: /],
    ["a map, not a list", '{"region": "us-ashburn-1"}', `targets is not a list; ${form}`],
    [
      "two targets of one name",
      "iad=us-ashburn-1, iad=us-phoenix-1",
      `targets: items 1 and 2 are both named "iad"; ${OWN_NAME}`,
    ],
    [
      "a name that is another target's region",
      '["us-ashburn-1", {"region": "us-phoenix-1", "name": "us-ashburn-1"}]',
      `targets: items 1 and 2 are both named "us-ashburn-1"; ${OWN_NAME}`,
    ],
    [
      "one region twice, unnamed",
      '["us-ashburn-1", "eu-frankfurt-1", "us-ashburn-1"]',
      `targets: items 1 and 3 are both named "us-ashburn-1"; ${OWN_NAME}`,
    ],
    [
      "a key a target does not take",
      '[{"region": "us-ashburn-1", "zone": "a"}]',
      'targets: item 1 has an unknown key "zone"; a target takes region, name.',
    ],
    [
      "a deploy input the caller did not allow",
      '[{"region": "us-ashburn-1", "image": "x"}]',
      'targets: item 1 has an unknown key "image"; a target takes region, name.',
    ],
    [
      "a map without region",
      '["eu-frankfurt-1", {"name": "iad"}]',
      'targets: item 2 has no region; add "region": "<region id>".',
    ],
    ["a number", "[1]", `targets: item 1 is number 1; ${GIVE_REGION}`],
    ["a nested list", "[[us-ashburn-1]]", `targets: item 1 is a list; ${GIVE_REGION}`],
    ["an empty item", "- us-ashburn-1\n-\n", `targets: item 2 is empty; ${GIVE_REGION}`],
    [
      "a region that is no region id",
      "iad=US Ashburn",
      `targets: item 1's region "US Ashburn" ${NOT_A_REGION_ID}`,
    ],
    [
      "a second '=' in name=region",
      "iad=us-ashburn-1=x",
      `targets: item 1's region "us-ashburn-1=x" ${NOT_A_REGION_ID}`,
    ],
    [
      "a name that cannot go into a resource name",
      '[{"region": "us-ashburn-1", "name": "IAD_1"}]',
      "targets: item 1's name \"IAD_1\" must be 1-30 lowercase letters, digits or '-', starting with a letter and not ending with '-' (it goes into resource names and labels).",
    ],
    [
      "a value that is not text",
      '[{"region": "us-ashburn-1", "name": 7}]',
      "targets: item 1's name is number 7; give it as non-empty text.",
    ],
    ["a bad single region", "", `region "ap tokyo" ${NOT_A_REGION_ID}`, "ap tokyo"],
    [
      "more targets than a matrix runs",
      JSON.stringify(Array.from({ length: 257 }, (_, i) => `r${i}=us-ashburn-1`)),
      "targets has 257 targets; GitHub runs at most 256 jobs from one matrix: split the list.",
    ],
  ];
  for (const [what, text, message, region] of refusals) {
    it(what, () => {
      assert.throws(
        () => parseTargets(text, region),
        (error: Error) => {
          assert.ok(error instanceof UserError, `a UserError, not ${error.name}`);
          assert.ok(!error.message.includes("\n"), `one line: ${error.message}`);
          if (typeof message === "string") assert.equal(error.message, message);
          else assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it("names the flag it came from", () => {
    const flags = { targets: "--targets", region: "--region" };
    assert.throws(() => parseTargets("[]", undefined, [], flags), {
      message: "--targets is an empty list: name at least one region.",
    });
    assert.throws(() => parseTargets("", undefined, [], flags), {
      message: "--targets or --region is required: name the region to deploy to.",
    });
    assert.throws(() => parseTargets("iad=us-ashburn-1", "us-ashburn-1", [], flags), {
      message:
        "--targets and --region are both given: name the regions in --targets only (a single region may stay in --region).",
    });
  });
});

describe("the pool the CLI runs targets in", () => {
  it("runs at most `limit` at once, starts the next as one ends, and a failure stops none of the others", async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const results = await settleInPool(["a", "b", "c", "d", "e"], 2, async (item) => {
      running++;
      most = Math.max(most, running);
      order.push(`start ${item}`);
      await new Promise((resolve) => setTimeout(resolve, item === "a" ? 30 : 5));
      running--;
      order.push(`end ${item}`);
      if (item === "b") throw new Error("b failed");
      return item.toUpperCase();
    });
    assert.equal(most, 2);
    assert.deepEqual(
      results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message)),
      ["A", "b failed", "C", "D", "E"],
    );
    // "a" is slow: the others pass it by in the second slot.
    assert.deepEqual(order.slice(0, 3), ["start a", "start b", "end b"]);
    assert.ok(order.indexOf("end a") > order.indexOf("start c"));
  });

  it("with more room than items, runs them all at once", async () => {
    let most = 0;
    let running = 0;
    await settleInPool([1, 2], 8, async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    assert.equal(most, 2);
  });
});
