// Evaluates a `post-if` condition against the job's status. Only the status functions and
// `!`, `&&`, `||`, parentheses, true/false are supported: that is all a post step can usefully
// test, and anything else fails loudly rather than being guessed at.

export interface JobStatus {
  failed: boolean;
  cancelled: boolean;
}

const statusFunctions = ["always", "success", "failure", "cancelled"] as const;
type StatusFunction = (typeof statusFunctions)[number];

type Token = { kind: "op"; value: "!" | "&&" | "||" | "(" | ")" } | { kind: "word"; value: string };

function tokenize(condition: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(&&|\|\||[!()])|([A-Za-z_][A-Za-z0-9_-]*))/y;
  let index = 0;
  while (index < condition.length) {
    if (/^\s*$/.test(condition.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(condition);
    if (match === null) throw unsupported(condition);
    const [, op, word] = match;
    if (op !== undefined) tokens.push({ kind: "op", value: op as "!" | "&&" | "||" | "(" | ")" });
    else if (word !== undefined) tokens.push({ kind: "word", value: word });
    index = pattern.lastIndex;
  }
  return tokens;
}

function unsupported(condition: string): Error {
  return new Error(
    `post-if '${condition}' is not supported by the runner harness (use always(), success(), failure(), cancelled(), !, &&, ||)`,
  );
}

export function evaluatePostIf(condition: string, status: JobStatus): boolean {
  const source = condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  const tokens = tokenize(source);
  let position = 0;
  let usesStatusFunction = false;

  const peek = (): Token | undefined => tokens[position];
  const isOp = (value: string): boolean => {
    const token = peek();
    return token?.kind === "op" && token.value === value;
  };
  const expectOp = (value: string): void => {
    if (!isOp(value)) throw unsupported(condition);
    position++;
  };

  const callStatus = (name: StatusFunction): boolean => {
    switch (name) {
      case "always":
        return true;
      case "success":
        return !status.failed && !status.cancelled;
      case "failure":
        return status.failed;
      case "cancelled":
        return status.cancelled;
    }
  };

  const primary = (): boolean => {
    const token = peek();
    if (token === undefined) throw unsupported(condition);
    if (token.kind === "op") {
      expectOp("(");
      const value = or();
      expectOp(")");
      return value;
    }
    position++;
    const word = token.value.toLowerCase();
    if (word === "true") return true;
    if (word === "false") return false;
    const fn = statusFunctions.find((name) => name === word);
    if (fn === undefined) throw unsupported(condition);
    expectOp("(");
    expectOp(")");
    usesStatusFunction = true;
    return callStatus(fn);
  };
  const unary = (): boolean => {
    if (isOp("!")) {
      position++;
      return !unary();
    }
    return primary();
  };
  // Every operand is evaluated (no short-circuit) so that a status function anywhere is seen.
  const and = (): boolean => {
    let value = unary();
    while (isOp("&&")) {
      position++;
      value = unary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (isOp("||")) {
      position++;
      value = and() || value;
    }
    return value;
  };

  // An empty post-if falls back to the runner's default for post steps, always().
  if (tokens.length === 0) return true;
  const value = or();
  if (position !== tokens.length) throw unsupported(condition);
  // As in the runner: a condition without a status function means `success() && (condition)`.
  return usesStatusFunction ? value : value && callStatus("success");
}
