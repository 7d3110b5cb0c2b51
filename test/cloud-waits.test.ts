// The shared waits, in process with injected time: pollUntil (every OCI, Cloud Run and FC wait) polls
// often enough to end soon after a resource settles and no more, and is never silent (what it waits for
// and for how long, at most every 20 s, each poll in debug); OCI resources becoming ACTIVE (functions,
// deployments), API Gateway work requests (gateway-deploy's and teardown's words), and Cloud Run
// long-running operations (deploy's and teardown's words). Each line a user reads is asserted whole, so
// sharing one wait between two steps cannot change what either says.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { WorkRequestsClient } from "oci-apigateway";
import { WaitInterrupted } from "../src/deadline.ts";
import { isUserError } from "../src/errors.ts";
import { waitForOperation } from "../src/gcp/run-operation.ts";
import { waitForWorkRequest } from "../src/oci/gateway/gateway-wait.ts";
import { waitForWorkRequestDone } from "../src/oci/gateway/labelled-deployments.ts";
import { OCI_WAIT_BACKOFF, waitUntilActive } from "../src/oci/wait-backoff.ts";
import { type BackoffOptions, PROGRESS_EVERY_MS, pollUntil } from "../src/retry/backoff.ts";

const noSleep = async () => {};
/** Simulated time: `now` moves only when the wait sleeps. */
function fakeTime() {
  let at = 0;
  return {
    now: () => at,
    sleep: async (ms: number) => {
      at += ms;
    },
  };
}
/** A progress logger that keeps its info and debug lines. */
function recorder() {
  const [info, debug]: [string[], string[]] = [[], []];
  return {
    info,
    debug,
    progress: { info: (m: string) => info.push(m), debug: (m: string) => debug.push(m) },
  };
}

describe("pollUntil", () => {
  /**
   * A resource settling at `settlesAt` ms, polled with `backoff` (by default from 200 ms doubling to
   * 5 s): when the wait saw it and how many calls it made.
   */
  async function waitFor(settlesAt: number, backoff: Partial<BackoffOptions>, random = () => 1) {
    const clock = fakeTime();
    const { value, calls } = await pollUntil(
      async () => (clock.now() >= settlesAt ? clock.now() : undefined),
      { initialDelayMs: 200, maxDelayMs: 5000, ...backoff, deadlineMs: 600_000, ...clock, random },
    );
    return { seenAt: value ?? Number.NaN, calls };
  }

  for (const settlesAt of [3_000, 8_000, 30_000, 60_000]) {
    it(`with maxOvershootShare sees a resource settling at ${settlesAt / 1000} s within 10% (or 1 s), in at most 10 calls plus 1.5 per second`, async () => {
      for (const random of [() => 0, () => 0.5, () => 1]) {
        const { seenAt, calls } = await waitFor(settlesAt, { maxOvershootShare: 0.1 }, random);
        const overshoot = seenAt - settlesAt;
        assert.ok(overshoot <= Math.max(1000, 0.1 * seenAt), `overshoot ${overshoot} ms`);
        assert.ok(calls <= 10 + (1.5 * settlesAt) / 1000, `${calls} calls`);
      }
    });
  }

  for (const settlesAt of [10_000, 30_000, 60_000]) {
    it(`OCI's waits (OCI_WAIT_BACKOFF) see a work request or function settling at ${settlesAt / 1000} s within 5% (or half a second)`, async () => {
      for (const random of [() => 0, () => 0.5, () => 1]) {
        const { seenAt, calls } = await waitFor(settlesAt, OCI_WAIT_BACKOFF, random);
        const overshoot = seenAt - settlesAt;
        assert.ok(overshoot <= Math.max(500, 0.05 * settlesAt), `overshoot ${overshoot} ms`);
        // The price of the half-second floor: at most four reads a second (two on average).
        assert.ok(calls <= 10 + (4 * settlesAt) / 1000, `${calls} calls`);
      }
    });
  }

  it("without it, doubling alone can see an 8 s settle 3 s late", async () => {
    const { seenAt } = await waitFor(8_000, {});
    assert.ok(seenAt - 8_000 >= 3000, `seen at ${seenAt}`);
  });

  it("a wait that settles within 20 s prints no progress line", async () => {
    const [clock, log] = [fakeTime(), recorder()];
    await pollUntil(async () => (clock.now() >= PROGRESS_EVERY_MS - 1000 ? true : undefined), {
      ...{ initialDelayMs: 200, maxDelayMs: 5000, deadlineMs: 60_000, ...clock },
      ...{ describe: () => "waiting", progress: log.progress },
    });
    assert.deepEqual(log.info, []);
  });
});
/** Answers each read with the next state, then keeps answering the last one. */
function reads<T>(...states: T[]): { read: () => Promise<T>; count: () => number } {
  let calls = 0;
  return {
    read: async () => states[Math.min(calls++, states.length - 1)] as T,
    count: () => calls,
  };
}
const userLine = (message: string) => (error: unknown) => {
  assert.ok(isUserError(error), String(error));
  assert.equal(error.message, message);
  return true;
};

describe("waitUntilActive", () => {
  const fnAdvice = {
    failed: " Check the image and the application's subnet, then deploy again.",
    timedOut: ", or deploy again later",
  };

  it("returns the resource once it is ACTIVE, after reading on through CREATING", async () => {
    const states = reads(
      { displayName: "hello", lifecycleState: "CREATING" },
      { displayName: "hello", lifecycleState: "ACTIVE" },
    );
    const active = await waitUntilActive(
      { kind: "function", id: "ocid1.fnfunc.oc1..x", read: states.read },
      { deadlineMs: 60_000, sleep: noSleep },
      fnAdvice,
    );
    assert.equal(active.lifecycleState, "ACTIVE");
    assert.equal(states.count(), 2);
  });

  /** What the resource last read says, the wait's deadline, and the line a user reads. */
  type Ending = [
    kind: string,
    advice: typeof fnAdvice,
    state: string,
    details: string | undefined,
    deadlineMs: number,
  ];
  const endings: Record<string, [Ending, string]> = {
    "FAILED: a function, with OCI's details": [
      ["function", fnAdvice, "FAILED", "image pull failed", 60_000],
      "function hello went to FAILED: image pull failed. Check the image and the application's subnet, then deploy again.",
    ],
    "FAILED: a deployment, without details": [
      ["deployment", { failed: "", timedOut: "" }, "FAILED", undefined, 60_000],
      "deployment hello went to FAILED.",
    ],
    "at its deadline says the last state, and what to do": [
      ["function", fnAdvice, "UPDATING", undefined, 0],
      "function hello is still UPDATING after 0 s; set wait: false to skip waiting, or deploy again later.",
    ],
  };
  for (const [
    name,
    [[kind, advice, lifecycleState, lifecycleDetails, deadlineMs], message],
  ] of Object.entries(endings)) {
    it(name, async () => {
      const { read } = reads({ displayName: "hello", lifecycleState, lifecycleDetails });
      await assert.rejects(
        waitUntilActive({ kind, id: "ocid1.x", read }, { deadlineMs, sleep: noSleep }, advice),
        userLine(message),
      );
    });
  }

  it("a 65 s wait prints one line in each 20 s window it entered, naming the resource and its current state; every poll in debug", async () => {
    const [clock, log] = [fakeTime(), recorder()];
    const realNow = Date.now;
    const start = realNow();
    let calls = 0;
    // waitUntilActive polls with the real clock: move it with the injected sleep.
    Date.now = () => start + clock.now();
    try {
      const state = () =>
        clock.now() >= 65_000 ? "ACTIVE" : clock.now() >= 25_000 ? "UPDATING" : "CREATING";
      const active = await waitUntilActive(
        {
          kind: "function",
          id: "ocid1.fnfunc.oc1..x",
          read: async () => {
            calls++;
            return { displayName: "hello", lifecycleState: state() };
          },
        },
        { deadlineMs: 300_000, sleep: clock.sleep, progress: log.progress },
        { failed: "", timedOut: "" },
      );
      assert.equal(active.lifecycleState, "ACTIVE");
    } finally {
      Date.now = realNow;
    }
    assert.equal(log.info.length, 3, log.info.join("\n"));
    assert.match(
      log.info[0] ?? "",
      /^Waiting for function hello to become ACTIVE \(still CREATING\): 2\d s so far\.$/,
    );
    assert.match(
      log.info[1] ?? "",
      /^Waiting for function hello to become ACTIVE \(still UPDATING\): 4\d s so far\.$/,
    );
    assert.match(
      log.info[2] ?? "",
      /^Waiting for function hello to become ACTIVE \(still UPDATING\): 6\d s so far\.$/,
    );
    assert.equal(log.debug.length, calls - 1, "one debug line per unanswered poll");
    assert.match(log.debug[0] ?? "", /^poll 1: waiting for function hello .*, 0 s so far$/);
  });

  it("the step's deadline stops it with what it was waiting for, without another read", async () => {
    const controller = new AbortController();
    const states = reads({ displayName: undefined, lifecycleState: "CREATING" });
    const read = () => {
      // The deadline is reached during the second read (pollUntil's WaitInterrupted).
      if (states.count() === 1) controller.abort(new Error("deadline"));
      return states.read();
    };
    const waiting = waitUntilActive(
      { kind: "deployment", id: "ocid1.dep", read },
      { deadlineMs: 60_000, signal: controller.signal, sleep: noSleep },
      { failed: "", timedOut: "" },
    );
    await assert.rejects(waiting, (error: unknown) => {
      assert.ok(error instanceof WaitInterrupted);
      assert.equal(error.activity, "waiting for deployment ocid1.dep to become ACTIVE (still CREATING)");
      return true;
    });
    assert.equal(states.count(), 2);
  });
});

describe("API Gateway work requests: one wait, each step's words", () => {
  /** Only the two calls a work request wait makes, answering like the API Gateway service. */
  function workRequests(
    status: string,
    errors: { code: string; message: string }[] | Error,
  ): WorkRequestsClient {
    return {
      getWorkRequest: async () => ({ workRequest: { status, operationType: "UPDATE_DEPLOYMENT" } }),
      listWorkRequestErrors: async () => {
        if (errors instanceof Error) throw errors;
        return { workRequestErrorCollection: { items: errors } };
      },
    } as unknown as WorkRequestsClient;
  }
  const wait = { deadlineMs: 60_000, sleep: noSleep };
  const cases: Record<string, [WorkRequestsClient, (client: WorkRequestsClient) => Promise<void>, string]> = {
    "gateway-deploy: FAILED with its errors": [
      workRequests("FAILED", [
        { code: "InvalidBackend", message: "unreachable" },
        { code: "Other", message: "two" },
      ]),
      (client) => waitForWorkRequest(client, "wr1", wait),
      "the API Gateway work request wr1 (UPDATE_DEPLOYMENT) ended FAILED: InvalidBackend: unreachable; Other: two. The deployment keeps its previous specification; fix the cause and run gateway-deploy again.",
    ],
    "gateway-deploy: CANCELED without errors": [
      workRequests("CANCELED", []),
      (client) => waitForWorkRequest(client, "wr2", wait),
      "the API Gateway work request wr2 (UPDATE_DEPLOYMENT) ended CANCELED. The deployment keeps its previous specification; fix the cause and run gateway-deploy again.",
    ],
    "gateway-deploy: the errors cannot be listed": [
      workRequests("FAILED", new Error("socket hang up")),
      (client) => waitForWorkRequest(client, "wr3", wait),
      "the API Gateway work request wr3 (UPDATE_DEPLOYMENT) ended FAILED: (its errors could not be listed: socket hang up). The deployment keeps its previous specification; fix the cause and run gateway-deploy again.",
    ],
    "gateway-deploy: still running at the deadline": [
      workRequests("IN_PROGRESS", []),
      (client) => waitForWorkRequest(client, "wr4", { deadlineMs: 0, sleep: noSleep }),
      "the API Gateway work request wr4 is still IN_PROGRESS after 0 s; set wait: false to skip waiting, or check it in the console.",
    ],
    "teardown: FAILED with its errors": [
      workRequests("FAILED", [{ code: "Conflict", message: "busy" }]),
      (client) => waitForWorkRequestDone(client, "wr5", "deleting deployment api", wait),
      "deleting deployment api: the API Gateway work request wr5 ended FAILED: Conflict: busy; check the deployment in the console, then run teardown again.",
    ],
    "teardown: still running at the deadline": [
      workRequests("ACCEPTED", []),
      (client) =>
        waitForWorkRequestDone(client, "wr6", "deleting deployment api", { deadlineMs: 0, sleep: noSleep }),
      "deleting deployment api: work request wr6 is still ACCEPTED after 0 s; run teardown again later to confirm.",
    ],
  };
  for (const [name, [client, run, message]] of Object.entries(cases)) {
    it(name, async () => {
      await assert.rejects(run(client), userLine(message));
    });
  }

  it("SUCCEEDED ends the wait", async () => {
    await waitForWorkRequest(workRequests("SUCCEEDED", []), "wr7", wait);
  });
});

describe("Cloud Run operations: one wait, each step's words", () => {
  const words = {
    describe: "waiting for operation op1 to finish",
    failed: (reason: string) => `the deployment of svc failed (${reason}): fix it.`,
    stillRunning: (seconds: number) => `operation op1 was still running after ${seconds} s.`,
  };

  it("reads the operation until it is done", async () => {
    const states = reads<{ done: boolean }>({ done: false }, { done: true });
    await waitForOperation(states.read, { operationName: "op1", waitMs: 60_000, ...words });
    assert.equal(states.count(), 2);
  });

  const endings: Record<
    string,
    [{ done: boolean; error?: { code?: number; message?: string } }, number, string]
  > = {
    "an operation that ended with an error: code and message": [
      { done: true, error: { code: 9, message: "revision not ready" } },
      60_000,
      "the deployment of svc failed (9 revision not ready): fix it.",
    ],
    "an operation that ended with an error: a code alone": [
      { done: true, error: { code: 13 } },
      60_000,
      "the deployment of svc failed (13): fix it.",
    ],
    "still running at its deadline": [{ done: false }, 0, "operation op1 was still running after 0 s."],
  };
  for (const [name, [state, waitMs, message]] of Object.entries(endings)) {
    it(name, async () => {
      await assert.rejects(
        waitForOperation(async () => state, { operationName: "op1", waitMs, ...words }),
        userLine(message),
      );
    });
  }
});
