// A workload identity provider's attribute condition, in the subset of CEL that GitHub setups use:
// comparisons of assertion claims with string literals, joined by && and ||, e.g.
//   assertion.repository == 'ORG/REPO' && assertion.ref == 'refs/heads/main'
// Anything outside that subset is refused when the provider is created, not silently allowed.

type Claims = Record<string, unknown>;

const COMPARISON = /^assertion\.([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=)\s*'([^']*)'$/;

export function checkCondition(condition: string): void {
  for (const part of condition.split(/&&|\|\|/)) {
    if (!COMPARISON.test(part.trim())) {
      throw new Error(`attribute condition not supported by the emulator: ${JSON.stringify(part.trim())}`);
    }
  }
}

/** || binds looser than &&, as in CEL. */
export function conditionHolds(condition: string, claims: Claims): boolean {
  return condition.split("||").some((alternative) =>
    alternative.split("&&").every((part) => {
      const match = COMPARISON.exec(part.trim());
      if (!match) return false;
      const [, claim = "", operator, literal] = match;
      const equal = claims[claim] === literal;
      return operator === "==" ? equal : !equal;
    }),
  );
}
