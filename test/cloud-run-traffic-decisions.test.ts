// The traffic decisions of a Cloud Run rollout (src/gcp/traffic.ts, src/steps/cloud-run-rollout.ts's
// planRollout), in process: what is serving now (LATEST pinned to the revision behind it), the candidate
// added with no traffic, a promotion scaling the rest down so the split still sums to 100, a failed
// candidate's tag taken off, and when a re-run has nothing to do.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  candidateSplit,
  currentSplit,
  describeSplit,
  promotedSplit,
  type SplitEntry,
  splitWithoutTag,
} from "../src/gcp/traffic.ts";
import type { CloudRunRollout } from "../src/inputs/cloud-run-rollout.ts";
import { planRollout } from "../src/steps/cloud-run-rollout.ts";

const LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST" as const;
const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const;
const service = (traffic: object[], latest = "fn-00002-b") => ({
  latestReadyRevision: `projects/p/locations/r/services/fn/revisions/${latest}`,
  traffic,
});

describe("currentSplit", () => {
  const cases: [string, object[], SplitEntry[]][] = [
    ["no traffic block: all to the latest ready revision", [], [{ revision: "fn-00002-b", percent: 100 }]],
    [
      "LATEST pinned to the revision behind it",
      [{ type: LATEST, percent: 100 }],
      [{ revision: "fn-00002-b", percent: 100 }],
    ],
    ["LATEST as an enum number", [{ type: 1, percent: 100 }], [{ revision: "fn-00002-b", percent: 100 }]],
    [
      "LATEST and the same revision by name are one entry",
      [
        { type: LATEST, percent: 60 },
        { type: REVISION, revision: "fn-00002-b", percent: 40, tag: "blue" },
      ],
      [{ revision: "fn-00002-b", percent: 100, tag: "blue" }],
    ],
    [
      "a second tag on a revision is kept as its own entry",
      [
        { type: REVISION, revision: "fn-00001-a", percent: 100, tag: "one" },
        { type: REVISION, revision: "fn-00001-a", percent: 0, tag: "two" },
      ],
      [
        { revision: "fn-00001-a", percent: 100, tag: "one" },
        { revision: "fn-00001-a", percent: 0, tag: "two" },
      ],
    ],
  ];
  for (const [name, traffic, expected] of cases) {
    it(name, () => assert.deepEqual(currentSplit(service(traffic)), expected));
  }
});

describe("candidate, promotion and a failed candidate", () => {
  const serving: SplitEntry[] = [
    { revision: "a", percent: 70 },
    { revision: "b", percent: 30, tag: "old" },
  ];
  it("the candidate is added tagged with no traffic; a tag of the same name moves to it", () => {
    assert.deepEqual(candidateSplit([...serving, { revision: "z", percent: 0, tag: "next" }], "c", "next"), [
      ...serving,
      { revision: "c", percent: 0, tag: "next" },
    ]);
  });
  const promotions: [number, string][] = [
    [100, "c=100"],
    [10, "a=63,b=27,c=10"],
    [50, "a=35,b=15,c=50"],
    [1, "a=69,b=30,c=1"],
  ];
  for (const [percent, expected] of promotions) {
    it(`promoted with ${percent}%: ${expected}, summing to 100`, () => {
      const next = promotedSplit(candidateSplit(serving, "c", "next"), "c", percent, "next");
      assert.equal(describeSplit(next), expected);
      assert.equal(
        next.reduce((sum, entry) => sum + entry.percent, 0),
        100,
      );
      assert.equal(next.find((entry) => entry.revision === "c")?.tag, percent < 100 ? "next" : undefined);
      assert.equal(next.find((entry) => entry.revision === "b")?.tag, "old", "other tags stay");
    });
  }
  it("a canary finished with 100% takes all, its tag dropped", () => {
    const canary = promotedSplit(candidateSplit(serving, "c", "next"), "c", 10, "next");
    assert.deepEqual(promotedSplit(canary, "c", 100, "next"), [
      { revision: "b", percent: 0, tag: "old" },
      { revision: "c", percent: 100 },
    ]);
  });
  it("a failed candidate loses its tag and the percents stay", () => {
    assert.deepEqual(splitWithoutTag(candidateSplit(serving, "c", "next"), "next"), serving);
  });
});

describe("planRollout: what a deploy sends", () => {
  const verify: CloudRunRollout = { mode: "verify-then-promote", tag: "next", traffic: 100 };
  it("direct with changes: Cloud Run names the revision, the traffic block is not sent", () => {
    assert.deepEqual(planRollout(service([]), ["image"], { ...verify, mode: "direct" }, "fn"), {
      revisionName: "",
      previous: "fn-00002-b",
    });
  });
  it("verify-then-promote with changes: a named revision, tagged, with no traffic", () => {
    const plan = planRollout(
      service([{ type: LATEST, percent: 100 }]),
      ["image"],
      { ...verify, revisionSuffix: "v2" },
      "fn",
    );
    assert.deepEqual(plan, {
      candidate: "fn-v2",
      revisionName: "fn-v2",
      split: [
        { revision: "fn-00002-b", percent: 100 },
        { revision: "fn-v2", percent: 0, tag: "next" },
      ],
      previous: "fn-00002-b",
    });
  });
  it("a new service: its first revision serves at once, tagged", () => {
    const plan = planRollout(undefined, ["created"], { ...verify, revisionSuffix: "v1" }, "fn");
    assert.deepEqual(plan.split, [{ revision: "fn-v1", percent: 100, tag: "next" }]);
  });
  it("nothing changed and the latest revision has its traffic: nothing to do", () => {
    const plan = planRollout(
      service([{ type: REVISION, revision: "fn-00002-b", percent: 100 }]),
      [],
      verify,
      "fn",
    );
    assert.deepEqual(plan, { previous: "" });
  });
  it("nothing changed, a 10% canary, traffic 100: the canary is verified again under its tag, no new revision", () => {
    const traffic = [
      { type: REVISION, revision: "fn-00001-a", percent: 90 },
      { type: REVISION, revision: "fn-00002-b", percent: 10, tag: "next" },
    ];
    assert.deepEqual(planRollout(service(traffic), [], verify, "fn"), {
      candidate: "fn-00002-b",
      previous: "fn-00001-a",
    });
  });
  it("nothing changed, the latest revision failed before (no traffic, no tag): it is tagged and verified again", () => {
    const traffic = [{ type: REVISION, revision: "fn-00001-a", percent: 100 }];
    const plan = planRollout(service(traffic), [], verify, "fn");
    assert.equal(plan.candidate, "fn-00002-b");
    assert.equal(plan.change, "traffic (tag next on fn-00002-b)");
    assert.equal(plan.revisionName, undefined, "no new revision");
  });
});

// rollout: direct after a verified rollout, which pinned the traffic by revision name (type REVISION):
// Cloud Run gives a new revision none while it is pinned, so direct sends it back to LATEST
// (https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration).
describe("planRollout, direct, with the traffic pinned", () => {
  const direct = { mode: "direct" as const, tag: "candidate", traffic: 100 };
  it("a new revision: the traffic goes back to LATEST, every tag kept on its revision with none", () => {
    const pinned = service([
      { type: REVISION, revision: "fn-00002-b", percent: 100 },
      { type: REVISION, revision: "fn-00001-a", percent: 0, tag: "old" },
    ]);
    assert.deepEqual(planRollout(pinned, ["image"], direct, "fn"), {
      revisionName: "",
      previous: "fn-00002-b",
      traffic: [
        { type: LATEST, percent: 100 },
        { type: REVISION, revision: "fn-00001-a", percent: 0, tag: "old" },
      ],
      change: "traffic (pinned to fn-00002-b=100, now to the latest revision)",
    });
  });

  it("nothing new, a canary left at 10%: the latest revision gets it all, a traffic-only change", () => {
    const canary = service([
      { type: REVISION, revision: "fn-00001-a", percent: 90 },
      { type: REVISION, revision: "fn-00002-b", percent: 10, tag: "candidate" },
    ]);
    assert.deepEqual(planRollout(canary, [], direct, "fn"), {
      previous: "fn-00001-a",
      traffic: [
        { type: LATEST, percent: 100 },
        { type: REVISION, revision: "fn-00002-b", percent: 0, tag: "candidate" },
      ],
      change: "traffic (pinned to fn-00001-a=90,fn-00002-b=10, now to the latest revision)",
    });
  });

  it("nothing new and the latest revision serving it all (pinned or not): nothing to send", () => {
    const pinnedToLatest = service([{ type: REVISION, revision: "fn-00002-b", percent: 100 }]);
    assert.deepEqual(planRollout(pinnedToLatest, [], direct, "fn"), { previous: "fn-00002-b" });
    assert.deepEqual(planRollout(service([{ type: LATEST, percent: 100 }]), [], undefined, "fn"), {
      previous: "fn-00002-b",
    });
  });

  it("traffic that follows LATEST (or no block) is left as it is", () => {
    for (const traffic of [[], [{ type: LATEST, percent: 100 }]]) {
      assert.deepEqual(planRollout(service(traffic), ["image"], undefined, "fn"), {
        revisionName: "",
        previous: "fn-00002-b",
      });
    }
  });
});
