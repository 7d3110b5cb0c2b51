import { UserError } from "../errors.ts";

/**
 * Refuses with every problem found in the inputs at once, so one run tells the user all they must fix.
 * One problem is its own error, worded as it always was; several become one line that numbers each
 * message (each names its input and the fix, and ends with its own full stop).
 */
export function refuseAll(problems: readonly Error[]): void {
  const [only, ...more] = problems;
  if (!only) return;
  if (more.length === 0) throw only;
  const listed = problems.map((problem, index) => `(${index + 1}) ${sentence(problem.message)}`);
  throw new UserError(`${problems.length} inputs need fixing: ${listed.join(" ")}`);
}

function sentence(message: string): string {
  const text = message.trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * Runs `check` on each item and refuses with every UserError they raise together (refuseAll); anything
 * else is a bug and is thrown as it is.
 */
export function checkEach<T>(items: Iterable<T>, check: (item: T) => void): void {
  const problems: Error[] = [];
  for (const item of items) {
    try {
      check(item);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(error);
    }
  }
  refuseAll(problems);
}
