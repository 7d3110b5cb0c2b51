// R7 hostile inputs: what an attacker or a careless user can hand the built actions and the CLI
// (control characters, huge values, URLs with credentials, symlinked HOME files, paths escaping the
// workspace, an echoing API, a proxy with credentials, cancellation mid-stage). Each case must end in
// one clear line or success, with no stack trace, no secret shown, nothing left behind after post and
// no file wider than 0600. Cases live in r7/<area>.cases.ts, one fixture per area; this file runs
// them all and prints the figure.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { printFigure } from "./figures.ts";
import { closeSharedOciFixture, type HostileArea, judge, type Verdict } from "./r7/hostile-case.ts";

const folder = join(import.meta.dirname, "r7");
const modules = readdirSync(folder)
  .filter((name) => name.endsWith(".cases.ts"))
  .sort();
const areas: HostileArea[] = [];
for (const name of modules) {
  const module = (await import(join(folder, name))) as { area: HostileArea };
  areas.push(module.area);
}

const counts: Record<Verdict, number> = { handled: 0, leaked: 0, crashed: 0, wide: 0, wrong: 0 };
let total = 0;

for (const area of areas) {
  describe(`R7 ${area.name}`, () => {
    if (area.setup) before(() => area.setup?.());
    if (area.teardown) after(() => area.teardown?.());
    for (const hostile of area.cases) {
      it(hostile.name, async () => {
        total += 1;
        const outcome = await hostile.run();
        const { verdict, reasons } = judge(outcome);
        counts[verdict] += 1;
        assert.equal(verdict, "handled", `${hostile.name}: ${reasons.join("; ")}`);
      });
    }
  });
}

after(async () => {
  await closeSharedOciFixture();
  printFigure(
    "R7",
    "hostile inputs",
    `${total} cases, ${counts.handled} handled, ${counts.leaked} leaked, ${counts.crashed} crashed, ${counts.wide} wider than 0600`,
  );
});
