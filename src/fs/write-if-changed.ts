import { readFile, stat } from "node:fs/promises";
import { writePrivateFile } from "./secure-file.ts";

/**
 * Writes a private (0600) file only when its content or mode differs, so a re-run with the same
 * inputs changes nothing and can say so. Every file fngate writes under HOME is private, settings
 * included: they name the compartment, profile and key file a later step uses.
 */
export async function writeIfChanged(path: string, content: string): Promise<boolean> {
  const current = await readCurrent(path);
  if (current && current.content === content && current.mode === 0o600) return false;
  await writePrivateFile(path, content);
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
