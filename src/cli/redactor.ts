/**
 * The CLI's stand-in for the runner's masking: every secret the inputs or the steps register is
 * replaced by *** in anything the CLI writes. Multi-line secrets (PEM keys) are also registered line
 * by line, as the runner does, so a single key line quoted in an error is hidden too.
 */
export interface Redactor {
  add(secret: string): void;
  redact(text: string): string;
}

export function createRedactor(): Redactor {
  const secrets = new Set<string>();
  const add = (value: string) => {
    if (value.trim() === "") return;
    secrets.add(value);
    for (const line of value.split(/\r?\n/).map((l) => l.trim())) {
      if (line.length >= 8 && !line.startsWith("-----")) secrets.add(line);
    }
  };
  return {
    add,
    redact(text) {
      let redacted = text;
      // Longest first: a whole key before the lines it contains.
      for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
        redacted = redacted.split(secret).join("***");
      }
      return redacted;
    },
  };
}
