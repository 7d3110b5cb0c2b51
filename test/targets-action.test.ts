// actions/targets, the first job of the reusable workflows: the built action turns a targets list into
// the matrix `strategy.matrix: ${{ fromJSON(...) }}` takes (a name, region, resource-name suffix, run
// label and own settings per target) and refuses a bad list with one ::error:: line, exit 1. In the last
// job, given the deploy jobs' results, it writes one line per target and fails when any target did.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { assertUserFailure, runAction } from "./runner/index.ts";

const RUN = { GITHUB_RUN_ID: "4321", GITHUB_RUN_ATTEMPT: "2" };

describe("actions/targets", () => {
  it("a list becomes the matrix, with each target's run label and its own settings", async () => {
    const { main } = await runAction("targets", {
      inputs: {
        targets:
          "- region: us-ashburn-1\n  name: iad\n  gateway-ocid: ocid1.apigateway.oc1.iad.aaaa\n- eu-frankfurt-1\n- blue=eu-frankfurt-1\n",
        settings: "gateway-ocid",
      },
      env: RUN,
    });
    assert.equal(main.exitCode, 0, main.stdout);
    assert.deepEqual(JSON.parse(main.outputs.matrix ?? ""), {
      target: [
        {
          "gateway-ocid": "ocid1.apigateway.oc1.iad.aaaa",
          name: "iad",
          region: "us-ashburn-1",
          suffix: "",
          "run-label": "4321-2-iad",
        },
        {
          name: "eu-frankfurt-1",
          region: "eu-frankfurt-1",
          suffix: "-eu-frankfurt-1",
          "run-label": "4321-2-eu-frankfurt-1",
        },
        { name: "blue", region: "eu-frankfurt-1", suffix: "-blue", "run-label": "4321-2-blue" },
      ],
    });
    assert.equal(main.outputs.names, '["iad","eu-frankfurt-1","blue"]');
    assert.equal(main.outputs.count, "3");
    assert.match(main.summary, /fngate: 3 targets/);
  });

  it("a single region is the one target; a given run label is the base of each target's", async () => {
    const { main } = await runAction("targets", {
      inputs: { region: "asia-northeast1", "run-label": "nightly" },
      env: RUN,
    });
    assert.equal(main.exitCode, 0, main.stdout);
    assert.deepEqual(JSON.parse(main.outputs.matrix ?? ""), {
      target: [
        {
          name: "asia-northeast1",
          region: "asia-northeast1",
          suffix: "",
          "run-label": "nightly-asia-northeast1",
        },
      ],
    });
  });

  // A refusal as the runner shows it; every refusal of the list itself, in process:
  // test/targets-list.test.ts, and as the built action: R7 (test/reliability/r7/targets.cases.ts).
  it("refuses a reserved setting name in one line", async () => {
    const inputs = { targets: "us-ashburn-1", settings: "gateway-ocid, run-label" };
    const { main } = await runAction("targets", { inputs, env: RUN });
    assertUserFailure(
      main,
      'settings: "run-label" cannot be a target\'s setting; name inputs of the deploy (such as gateway-ocid), separated by commas, other than region, name, suffix, run-label.',
    );
    assert.equal(main.outputs.matrix, undefined, "no matrix");
  });
});

describe("actions/targets with results (the summary job)", () => {
  /** A checkout holding the results folder as download-artifact leaves it. */
  async function withResults(files: Record<string, string>, work: (checkout: string) => Promise<void>) {
    const checkout = await mkdtemp(join(tmpdir(), "fngate-results-"));
    try {
      await mkdir(join(checkout, "fngate-result"));
      for (const [name, text] of Object.entries(files))
        await writeFile(join(checkout, "fngate-result", name), text);
      await work(checkout);
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  }
  const record = (outcome: string, url = "") => JSON.stringify({ target: "x", region: "x", url, outcome });

  it("every target succeeded: one line each, in the list's order, and the results output", async () => {
    await withResults(
      {
        "fra.json": record("success", "https://fra.example/hello"),
        "iad.json": record("success", "https://iad.example/hello"),
      },
      async (checkout) => {
        const { main } = await runAction("targets", {
          checkout,
          inputs: { targets: "iad=us-ashburn-1, fra=eu-frankfurt-1", results: "fngate-result" },
          env: RUN,
        });
        assert.equal(main.exitCode, 0, main.stdout);
        const lines = main.stdout.split("\n").filter((line) => /^(iad|fra) \(/.test(line));
        assert.deepEqual(lines, [
          "iad (us-ashburn-1): ok https://iad.example/hello",
          "fra (eu-frankfurt-1): ok https://fra.example/hello",
        ]);
        assert.deepEqual(JSON.parse(main.outputs.results ?? ""), [
          { target: "iad", region: "us-ashburn-1", url: "https://iad.example/hello", outcome: "success" },
          { target: "fra", region: "eu-frankfurt-1", url: "https://fra.example/hello", outcome: "success" },
        ]);
        assert.match(main.summary, /fngate: every target/);
        assert.match(main.summary, /https:\/\/fra\.example\/hello/);
      },
    );
  });

  it("a failed target, one that never reported, an unreadable or forged result each fail the summary, named in one line", async () => {
    await withResults(
      {
        "iad.json": record("success", "https://iad.example/hello"),
        "fra.json": record("failure"),
        "nrt.json": "{not json",
        // An outcome GitHub never reports (a line a log would read as a command) is no outcome.
        "syd.json": record("success\n::error::injected"),
        // A URL that is not one on one line is left out; the target still succeeded.
        "hkg.json": record("success", "https://hkg.example/\n::warning::injected"),
      },
      async (checkout) => {
        const { main } = await runAction("targets", {
          checkout,
          inputs: {
            targets:
              "iad=us-ashburn-1, fra=eu-frankfurt-1, sin=ap-singapore-1, nrt=ap-tokyo-1, syd=ap-sydney-1, hkg=ap-hongkong-1",
            results: "fngate-result",
          },
          env: RUN,
        });
        assertUserFailure(main, "4 of 6 targets failed (fra, sin, nrt, syd): see each one's deploy job.");
        const outcomes = (
          JSON.parse(main.outputs.results ?? "[]") as { target: string; outcome: string }[]
        ).map((r) => `${r.target}: ${r.outcome}`);
        assert.deepEqual(outcomes, [
          "iad: success",
          "fra: failure",
          "sin: no result: its job did not finish",
          "nrt: unreadable result",
          "syd: unreadable result",
          "hkg: success",
        ]);
        assert.match(main.stdout, /^hkg \(ap-hongkong-1\): ok$/m);
        assert.doesNotMatch(main.stdout, /injected/);
        assert.match(main.stdout, /^fra \(eu-frankfurt-1\): FAILED \(failure\)$/m);
      },
    );
  });
});
