/** One non-blank line of a KEY=VALUE (or Name: value) input, numbered as the user counts lines. */
export interface KeyValueLine {
  /** 1-based, counting blank and comment lines, so an error names the line the user sees. */
  number: number;
  /** The text before the first separator, trimmed; the whole line when there is no separator. */
  key: string;
  /** The text after the first separator, as written (untrimmed on the left); undefined without one. */
  value: string | undefined;
}

/**
 * The lines of a multi-line KEY=VALUE input (env, config, required-claims, headers), trimmed, blank
 * lines skipped and, where the input allows them, `#` comment lines too. Each parser checks the keys
 * and values with its own rules and words its own errors; this only splits.
 */
export function keyValueLines(
  text: string,
  options: { separator: "=" | ":"; comments: boolean },
): KeyValueLine[] {
  const lines: KeyValueLine[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || (options.comments && line.startsWith("#"))) continue;
    const at = line.indexOf(options.separator);
    lines.push({
      number: index + 1,
      key: (at < 0 ? line : line.slice(0, at)).trim(),
      value: at < 0 ? undefined : line.slice(at + 1),
    });
  }
  return lines;
}
