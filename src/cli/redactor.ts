import { secretPieces } from "../secret-pieces.ts";

/**
 * The CLI's stand-in for the runner's masking: every secret the inputs or the steps register is
 * replaced by *** in anything the CLI writes. Multi-line secrets (PEM keys) are also registered in
 * pieces, as the runner does (see secretPieces), so a single key line quoted in an error is hidden too;
 * the redactor sees whole messages, so a short line is also matched across the newline.
 */
export interface Redactor {
  add(secret: string): void;
  redact(text: string): string;
}

export function createRedactor(): Redactor {
  const secrets = new Set<string>();
  const add = (value: string) => {
    for (const piece of secretPieces(value, { acrossLines: true })) secrets.add(piece);
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
