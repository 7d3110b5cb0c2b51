// Long cloud waits are never silent: pollUntil (every OCI, Cloud Run and FC wait) says what it waits for
// and how long it has waited, at most every 20 s, with each poll in debug. Time is injected.
import assert from "node:assert/strict";
import { it } from "node:test";
import { waitUntilActive } from "../src/oci/wait-backoff.ts";
import { PROGRESS_EVERY_MS, pollUntil } from "../src/retry/backoff.ts";

function fakeTime() {
  let at = 0;
  return {
    now: () => at,
    sleep: async (ms: number) => {
      at += ms;
    },
  };
}

function recorder() {
  const info: string[] = [];
  const debug: string[] = [];
  return {
    info,
    debug,
    progress: { info: (m: string) => info.push(m), debug: (m: string) => debug.push(m) },
  };
}

it("a 65 s wait prints one line in each 20 s window it entered, naming what it waits for; every poll in debug", async () => {
  const clock = fakeTime();
  const log = recorder();
  let state = "CREATING";
  const { value, calls } = await pollUntil(
    async () => {
      if (clock.now() < 65_000) return undefined;
      state = "ACTIVE";
      return state;
    },
    {
      initialDelayMs: 200,
      maxDelayMs: 5000,
      deadlineMs: 300_000,
      maxOvershootShare: 0.1,
      ...clock,
      random: () => 1,
      describe: () => `waiting for function hello to become ACTIVE (still ${state})`,
      progress: log.progress,
    },
  );
  assert.equal(value, "ACTIVE");
  assert.equal(log.info.length, 3, log.info.join("\n"));
  for (const [index, line] of log.info.entries()) {
    const seconds = Number(/: (\d+) s so far\.$/.exec(line)?.[1]);
    assert.match(line, /^Waiting for function hello to become ACTIVE \(still CREATING\): \d+ s so far\.$/);
    assert.ok(seconds >= (index + 1) * 20 && seconds < (index + 2) * 20, line);
  }
  assert.equal(log.debug.length, calls - 1, "one debug line per unanswered poll");
  assert.match(log.debug[0] ?? "", /^poll 1: waiting for function hello .*, 0 s so far$/);
});

it("a wait that settles within 20 s prints no progress line", async () => {
  const clock = fakeTime();
  const log = recorder();
  await pollUntil(async () => (clock.now() >= PROGRESS_EVERY_MS - 1000 ? true : undefined), {
    initialDelayMs: 200,
    maxDelayMs: 5000,
    deadlineMs: 60_000,
    ...clock,
    describe: () => "waiting",
    progress: log.progress,
  });
  assert.deepEqual(log.info, []);
});

it("an OCI lifecycle wait reports the resource and its current state", async () => {
  const clock = fakeTime();
  const log = recorder();
  const states = ["CREATING", "CREATING", "UPDATING"];
  const realNow = Date.now;
  const start = realNow();
  // waitUntilActive polls with the real clock: move it with the injected sleep.
  Date.now = () => start + clock.now();
  try {
    await waitUntilActive(
      {
        kind: "function",
        id: "ocid1.fnfunc.oc1..x",
        read: async () => ({
          displayName: "hello",
          lifecycleState: clock.now() >= 45_000 ? "ACTIVE" : clock.now() >= 25_000 ? states[2] : states[0],
        }),
      },
      { deadlineMs: 300_000, sleep: clock.sleep, progress: log.progress },
      { failed: "", timedOut: "" },
    );
  } finally {
    Date.now = realNow;
  }
  assert.equal(log.info.length, 2, log.info.join("\n"));
  assert.match(
    log.info[0] ?? "",
    /^Waiting for function hello to become ACTIVE \(still CREATING\): 2\d s so far\.$/,
  );
  assert.match(
    log.info[1] ?? "",
    /^Waiting for function hello to become ACTIVE \(still UPDATING\): 4\d s so far\.$/,
  );
});
