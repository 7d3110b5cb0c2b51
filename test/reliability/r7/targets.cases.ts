// R7 hostile inputs for many regions: the targets list as the reusable workflows' first and last jobs
// (actions/targets) and `fngate … --targets` read it. A YAML alias bomb, more targets than a matrix
// runs, names that try to leave the results folder, a results folder or file that points out of the
// workspace at a secret, and a --parallel that would start a thousand deploys at once.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAction } from "../../runner/index.ts";
import { actionOutcome, cliOutcome, type HostileArea, type HostileOutcome } from "./hostile-case.ts";

const SECRET = `r7-targets-secret-${process.pid}`;
let outside: string;
let checkout: string;

/** An alias bomb: six levels of nine aliases, 9^6 items once expanded. */
const BOMB = (() => {
  const rows = ["&a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"];
  for (const [name, of] of [
    ["b", "a"],
    ["c", "b"],
    ["d", "c"],
    ["e", "d"],
    ["f", "e"],
  ])
    rows.push(`&${name} [${Array(9).fill(`*${of}`).join(",")}]`);
  return `[${rows.join(", ")}]`;
})();

async function targets(
  inputs: Record<string, string>,
  expect: HostileOutcome["expect"],
  withCheckout = false,
): Promise<HostileOutcome> {
  const run = await runAction("targets", { inputs, ...(withCheckout ? { checkout } : {}) });
  return actionOutcome(run, expect, [SECRET]);
}

export const area: HostileArea = {
  name: "targets",
  async setup() {
    outside = await mkdtemp(join(tmpdir(), "fngate-r7-outside-"));
    await writeFile(join(outside, "secret.json"), JSON.stringify({ outcome: SECRET, url: SECRET }), {
      mode: 0o600,
    });
    checkout = await mkdtemp(join(tmpdir(), "fngate-r7-checkout-"));
    // The results folder links out of the workspace; another folder holds a result that is a link.
    await symlink(outside, join(checkout, "escape"));
    await mkdir(join(checkout, "results"));
    await symlink(join(outside, "secret.json"), join(checkout, "results", "iad.json"));
  },
  async teardown() {
    await rm(outside, { recursive: true, force: true });
    await rm(checkout, { recursive: true, force: true });
  },
  cases: [
    {
      name: "targets: a YAML alias bomb is one refusal, not a hung or exhausted step",
      run: () =>
        targets({ targets: BOMB }, { message: /^targets is not a valid list \(Excessive alias count/ }),
    },
    {
      name: "targets: 300 targets, more than a matrix runs",
      run: () =>
        targets(
          { targets: JSON.stringify(Array.from({ length: 300 }, (_, i) => `t${i}=us-ashburn-1`)) },
          { message: /^targets has 300 targets; GitHub runs at most 256 jobs from one matrix/ },
        ),
    },
    {
      name: "targets: a name that climbs out of the results folder",
      run: () =>
        targets(
          { targets: '[{"region": "us-ashburn-1", "name": "../../etc/passwd"}]' },
          { message: /^targets: item 1's name "\.\.\/\.\.\/etc\/passwd" must be 1-30 lowercase letters/ },
        ),
    },
    {
      name: "targets: a results folder that is a link out of the workspace",
      run: () => targets({ targets: "iad=us-ashburn-1", results: "escape" }, { message: /^results / }, true),
    },
    {
      name: "targets: a result file that is a link to a secret outside the workspace is never shown",
      run: () =>
        targets(
          { targets: "iad=us-ashburn-1", results: "results" },
          { message: /^1 of 1 targets failed \(iad\)/ },
          true,
        ),
    },
    {
      name: "fngate --targets: --parallel 1000 is a usage error before any deploy",
      run: () =>
        cliOutcome(
          ["cloud-run-pipeline", "--targets", "us-central1", "--parallel", "1000"],
          {},
          { message: /^--parallel must be a whole number from 1 to 32; got "1000"/ },
          [SECRET],
        ),
    },
  ],
};
