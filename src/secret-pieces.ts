/**
 * The strings to register with a log masker for one secret. Maskers (the runner's, the CLI's redactor)
 * hide each registered string wherever it appears; the runner matches within one log line, so a
 * multi-line secret (a PEM key) is never found whole and is registered line by line. Armor lines are
 * public and blank lines are nothing.
 *
 * Short lines need care. A PEM body's lines are 64 characters except the last, which can be as short
 * as 4 ("Aw==", "q9Z+"); a pasted key can have other short lines. Masking "Aw==" wherever it appears
 * would be harmless, but a letters-only line ("main", "true") would turn ordinary words all over the
 * log into ***. So a short line is registered joined to its neighbour in every form in which a key
 * lands on one log line (folded without separator, with spaces, as \n or \r\n escapes in JSON or an
 * error message, and, for a masker that sees whole messages, across the newline); and on its own only
 * when it cannot be ordinary text (base64 padding, a digit, + or /) and is at least 4 characters.
 * What stays visible then is at most a letters-only final line printed alone by a later step (`cat
 * key.pem`): 3 bytes of the key's last integer, which tell an attacker nothing.
 */
export function secretPieces(value: string, options: { acrossLines: boolean }): string[] {
  if (value.trim() === "") return [];
  const lines = value.split(/\r?\n/).map((line) => line.trim());
  if (lines.length === 1) return [value];
  const pieces = new Set<string>();
  if (options.acrossLines) pieces.add(value);
  const body = lines.filter((line) => line !== "" && !line.startsWith("-----"));
  const separators = ["", " ", "\\n", "\\r\\n", ...(options.acrossLines ? ["\n", "\r\n"] : [])];
  for (const [index, line] of body.entries()) {
    if (line.length >= MIN_ALONE) {
      pieces.add(line);
      continue;
    }
    const before = body[index - 1];
    const after = body[index + 1];
    for (const separator of separators) {
      if (before !== undefined) pieces.add(`${before}${separator}${line}`);
      else if (after !== undefined) pieces.add(`${line}${separator}${after}`);
    }
    if (line.length >= 4 && /[=+/0-9]/.test(line)) pieces.add(line);
  }
  return [...pieces];
}

/** Lines at least this long are registered alone, as the runner's own multi-line masking does. */
const MIN_ALONE = 8;
