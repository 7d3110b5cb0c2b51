// Waits on a resource to settle poll often enough to end soon after it does (bench P1), and no more:
// maxOvershootShare bounds each pause by a share of the time waited so far, never below a second.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pollUntil } from "../src/retry/backoff.ts";

/** Simulated time: the resource settles at `settlesAt` ms; returns when the wait saw it and how many calls it made. */
async function waitFor(settlesAt: number, share: number | undefined, random = () => 1) {
  let clock = 0;
  const { value, calls } = await pollUntil(async () => (clock >= settlesAt ? clock : undefined), {
    initialDelayMs: 200,
    maxDelayMs: 5000,
    deadlineMs: 600_000,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    random,
    ...(share === undefined ? {} : { maxOvershootShare: share }),
  });
  return { seenAt: value ?? Number.NaN, calls };
}

describe("pollUntil with maxOvershootShare", () => {
  for (const settlesAt of [3_000, 8_000, 30_000, 60_000]) {
    it(`sees a resource settling at ${settlesAt / 1000} s within 10% (or 1 s), in at most 10 calls plus 1.5 per second`, async () => {
      for (const random of [() => 0, () => 0.5, () => 1]) {
        const { seenAt, calls } = await waitFor(settlesAt, 0.1, random);
        const overshoot = seenAt - settlesAt;
        assert.ok(overshoot <= Math.max(1000, 0.1 * seenAt), `overshoot ${overshoot} ms`);
        assert.ok(calls <= 10 + (1.5 * settlesAt) / 1000, `${calls} calls`);
      }
    });
  }

  it("without it, doubling alone can see an 8 s settle 3 s late", async () => {
    const { seenAt } = await waitFor(8_000, undefined);
    assert.ok(seenAt - 8_000 >= 3000, `seen at ${seenAt}`);
  });
});
