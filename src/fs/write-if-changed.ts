import { readFile, stat } from "node:fs/promises";
import { writePrivateFile, writeTextFile } from "./secure-file.ts";

/**
 * Writes only when the content (or, for a private file, its 0600 mode) differs, so a re-run with the
 * same inputs changes nothing and can say so.
 */
export async function writeIfChanged(
  path: string,
  content: string,
  options: { private?: boolean } = {},
): Promise<boolean> {
  const current = await readCurrent(path);
  if (current && current.content === content && (!options.private || current.mode === 0o600)) return false;
  if (options.private) await writePrivateFile(path, content);
  else await writeTextFile(path, content);
  return true;
}

async function readCurrent(path: string): Promise<{ content: string; mode: number } | undefined> {
  try {
    const [content, stats] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    return { content, mode: stats.mode & 0o777 };
  } catch {
    return undefined;
  }
}
