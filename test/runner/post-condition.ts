// Evaluates a `post-if` condition against the job's status. Only the status functions and
// `!`, `&&`, `||`, parentheses, true/false are supported: that is all a post step can usefully
// test, and anything else fails loudly rather than being guessed at.

export interface JobStatus {
  failed: boolean;
  cancelled: boolean;
}

/** One token: an operator, a status function call, or a literal; anything else does not match. */
const TOKEN = /\s*(?:(&&|\|\||[!()])|(always|success|failure|cancelled)\s*\(\s*\)|(true|false)\b)/iy;

export function evaluatePostIf(condition: string, status: JobStatus): boolean {
  const source = condition
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, "$1")
    .trim();
  // An empty post-if falls back to the runner's default for post steps, always().
  if (source === "") return true;
  const success = !status.failed && !status.cancelled;
  const results: Record<string, boolean> = {
    always: true,
    success,
    failure: status.failed,
    cancelled: status.cancelled,
  };
  // The condition rewritten as a JavaScript expression over true/false and the three operators only.
  let expression = "";
  let usesStatusFunction = false;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const [, op, fn, literal] = TOKEN.exec(source) ?? [];
    if (fn !== undefined) usesStatusFunction = true;
    const token = op ?? (fn === undefined ? literal?.toLowerCase() : String(results[fn.toLowerCase()]));
    if (token === undefined) throw unsupported(condition);
    expression += ` ${token}`;
  }
  let value: unknown;
  try {
    value = new Function(`return (${expression});`)();
  } catch {
    throw unsupported(condition); // unbalanced parentheses, two operands in a row ...
  }
  // As in the runner: a condition without a status function means `success() && (condition)`.
  return usesStatusFunction ? value === true : value === true && success;
}

function unsupported(condition: string): Error {
  return new Error(
    `post-if '${condition}' is not supported by the runner harness (use always(), success(), failure(), cancelled(), !, &&, ||)`,
  );
}
