import { randomUUID } from "node:crypto";
import { chmod, copyFile, lstat, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * What a step is about to change under HOME, recorded so its post step can put every byte back:
 * files that existed are copied aside (0600, in the private temp folder) and restored; files and
 * folders that did not exist are removed.
 */
export interface RestorePlan {
  backupDir: string;
  entries: RestoreEntry[];
}

export type RestoreEntry =
  | { kind: "file"; path: string; existed: false }
  | { kind: "file"; path: string; existed: true; mode: number; backup: string }
  | { kind: "dir"; path: string; existed: boolean };

/** `root` bounds the folders recorded: those between it (exclusive) and each file. */
export async function recordBeforeChange(
  tempDir: string,
  root: string,
  files: string[],
): Promise<RestorePlan> {
  const backupDir = join(tempDir, `fngate-restore-${randomUUID()}`);
  await mkdir(backupDir, { recursive: true, mode: 0o700 });
  const entries: RestoreEntry[] = [];
  const dirs = new Set<string>();
  for (const file of files) {
    for (let dir = dirname(file); dir.startsWith(`${root}/`); dir = dirname(dir)) dirs.add(dir);
  }
  // Shallow folders first, so restoring in reverse removes the deepest created folder first.
  for (const dir of [...dirs].sort((a, b) => a.length - b.length)) {
    entries.push({ kind: "dir", path: dir, existed: (await statOrUndefined(dir)) !== undefined });
  }
  for (const [index, file] of files.entries()) {
    const stats = await statOrUndefined(file);
    if (!stats) {
      entries.push({ kind: "file", path: file, existed: false });
      continue;
    }
    const backup = join(backupDir, `${index}`);
    await copyFile(file, backup);
    await chmod(backup, 0o600);
    entries.push({ kind: "file", path: file, existed: true, mode: stats.mode & 0o7777, backup });
  }
  return { backupDir, entries };
}

export async function restore(plan: RestorePlan): Promise<void> {
  // The backups are removed last: without them the plan has already been carried out (the step undid
  // its own change after a failure, and the post step runs the same plan again).
  if (!(await statOrUndefined(plan.backupDir))) return;
  for (const entry of plan.entries) {
    if (entry.kind !== "file") continue;
    if (entry.existed) {
      await rm(entry.path, { force: true });
      await copyFile(entry.backup, entry.path);
      await chmod(entry.path, entry.mode);
    } else {
      await rm(entry.path, { force: true });
    }
  }
  for (const entry of [...plan.entries].reverse()) {
    if (entry.kind === "dir" && !entry.existed) await rm(entry.path, { recursive: true, force: true });
  }
  await rm(plan.backupDir, { recursive: true, force: true });
}

async function statOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Keeps the changes (nothing will be restored) and removes the backups. */
export async function discard(plan: RestorePlan): Promise<void> {
  await rm(plan.backupDir, { recursive: true, force: true });
}
