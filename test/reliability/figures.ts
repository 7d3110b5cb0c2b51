// One line per reliability suite, in a fixed shape the README quotes: "FIGURE <id> <what>: <numbers>".
// Printed from an `after` hook so it reflects every case that ran, whatever failed; node's test runner
// passes a test file's stdout through to `npm test` output.

/** Counts cases for a figure: `record(ok)` once per case, `ok` saying whether it held. */
export function tally() {
  return {
    total: 0,
    held: 0,
    record(ok: boolean): void {
      this.total += 1;
      if (ok) this.held += 1;
    },
  };
}

export function printFigure(id: string, what: string, numbers: string): void {
  console.log(`FIGURE ${id} ${what}: ${numbers}`);
}
