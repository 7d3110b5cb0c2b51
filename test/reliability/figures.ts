// One line per reliability suite, in a fixed shape the README quotes: "FIGURE <id> <what>: <numbers>".
// Printed from an `after` hook so it reflects every case that ran, whatever failed; node's test runner
// passes a test file's stdout through to `npm test` output.

export interface Tally {
  /** Counts a case; `ok` says whether it held. */
  record(ok: boolean): void;
  readonly total: number;
  readonly held: number;
}

export function tally(): Tally {
  let total = 0;
  let held = 0;
  return {
    record(ok) {
      total += 1;
      if (ok) held += 1;
    },
    get total() {
      return total;
    },
    get held() {
      return held;
    },
  };
}

export function figureLine(id: string, what: string, numbers: string): string {
  return `FIGURE ${id} ${what}: ${numbers}`;
}

export function printFigure(id: string, what: string, numbers: string): void {
  console.log(figureLine(id, what, numbers));
}
