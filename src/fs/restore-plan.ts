import { randomUUID } from "node:crypto";
import { lstat, mkdir, readFile, readlink, rm, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describeError, UserError } from "../errors.ts";
import { writeNewFile } from "./secure-file.ts";

/**
 * What a step is about to change under HOME, recorded so its post step can put every byte back:
 * files that existed are copied aside (0600, in the private temp folder) and restored with their own
 * content and mode; files and folders that did not exist are removed; a symlink (a dotfile manager's,
 * for the file itself or for a folder on its way) is recorded as the link, never as what it points
 * at, and put back as the same link. Nothing is read through a link here and no mode is ever taken
 * from one.
 */
export interface RestorePlan {
  backupDir: string;
  /** The folder the recorded folders are bounded by (HOME) and the files about to be written. */
  root: string;
  files: string[];
  entries: RestoreEntry[];
}

export type RestoreEntry =
  | { kind: "file"; path: string; existed: false }
  | { kind: "file"; path: string; existed: true; mode: number; backup: string }
  | { kind: "dir"; path: string; existed: boolean }
  /** A symlink, to a file or a folder or to nothing; everything below it is covered by putting it back. */
  | { kind: "link"; path: string; target: string };

/** `root` bounds the folders recorded: those between it (exclusive) and each file. */
export async function recordBeforeChange(
  tempDir: string,
  root: string,
  files: string[],
): Promise<RestorePlan> {
  // Every path is looked at before anything is copied, so a refusal leaves nothing behind.
  const found = new Map<string, Found>();
  for (const file of files) {
    for (const item of await walk(root, file)) if (!found.has(item.path)) found.set(item.path, item);
  }
  const backupDir = join(tempDir, `fngate-restore-${randomUUID()}`);
  await mkdir(backupDir, { recursive: true, mode: 0o700 });
  const entries: RestoreEntry[] = [];
  try {
    // Shallow first, so restoring in reverse handles the deepest folder or link first.
    const above = [...found.values()].filter((item) => item.kind !== "file");
    for (const item of above.sort((a, b) => a.path.length - b.path.length)) entries.push(item);
    for (const [index, item] of [...found.values()].entries()) {
      if (item.kind !== "file") continue;
      if (!item.existed) {
        entries.push({ kind: "file", path: item.path, existed: false });
        continue;
      }
      const backup = join(backupDir, `${index}`);
      await writeNewFile(backup, await readExisting(item.path));
      entries.push({ kind: "file", path: item.path, existed: true, mode: item.mode, backup });
    }
  } catch (error) {
    await rm(backupDir, { recursive: true, force: true });
    throw error;
  }
  return { backupDir, root, files, entries };
}

export async function restore(plan: RestorePlan): Promise<void> {
  // The backups are removed last: without them the plan has already been carried out (the step undid
  // its own change after a failure, and the post step runs the same plan again).
  if (!(await lstatOrUndefined(plan.backupDir))) return;
  for (const entry of plan.entries) {
    if (entry.kind !== "file") continue;
    await rm(entry.path, { force: true });
    if (entry.existed) await writeNewFile(entry.path, await readFile(entry.backup), entry.mode);
  }
  for (const entry of [...plan.entries].reverse()) {
    if (entry.kind === "dir" && !entry.existed) await rm(entry.path, { recursive: true, force: true });
    if (entry.kind === "link") await putBackLink(entry.path, entry.target);
  }
  await rm(plan.backupDir, { recursive: true, force: true });
}

/** Keeps the changes (nothing will be restored) and removes the backups. */
export async function discard(plan: RestorePlan): Promise<void> {
  await rm(plan.backupDir, { recursive: true, force: true });
}

/** The symlinks a plan will put back: the paths a step replaces for its run. */
export function linkedPaths(plan: RestorePlan): string[] {
  return plan.entries.filter((entry) => entry.kind === "link").map((entry) => entry.path);
}

type Found =
  | { kind: "file"; path: string; existed: false }
  | { kind: "file"; path: string; existed: true; mode: number }
  | { kind: "dir"; path: string; existed: boolean }
  | { kind: "link"; path: string; target: string };

/**
 * What is on the way to `file`, looked at with lstat one component at a time from `root` down:
 * folders, then the file; the first symlink ends the walk (the link is what gets put back).
 */
async function walk(root: string, file: string): Promise<Found[]> {
  const dirs: string[] = [];
  for (let dir = dirname(file); dir.startsWith(`${root}/`); dir = dirname(dir)) dirs.unshift(dir);
  const found: Found[] = [];
  let missing = false;
  for (const dir of dirs) {
    const stats = missing ? undefined : await lstatOrUndefined(dir);
    if (stats === undefined) {
      missing = true;
      found.push({ kind: "dir", path: dir, existed: false });
    } else if (stats.isSymbolicLink()) {
      return [...found, { kind: "link", path: dir, target: await readlink(dir) }];
    } else if (stats.isDirectory()) {
      found.push({ kind: "dir", path: dir, existed: true });
    } else {
      throw new UserError(
        `${dir} is a file, where fngate needs a folder for ${file}: move it away, then re-run.`,
      );
    }
  }
  const stats = missing ? undefined : await lstatOrUndefined(file);
  if (stats === undefined) return [...found, { kind: "file", path: file, existed: false }];
  if (stats.isSymbolicLink()) return [...found, { kind: "link", path: file, target: await readlink(file) }];
  if (!stats.isFile()) {
    throw new UserError(
      `${file} is ${stats.isDirectory() ? "a folder" : "not a regular file"}, where fngate writes a file: move it away, then re-run.`,
    );
  }
  return [...found, { kind: "file", path: file, existed: true, mode: stats.mode & 0o7777 }];
}

async function readExisting(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${describeError(error)}`);
  }
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "EACCES" || code === "ENOTDIR") {
      throw new UserError(`cannot look at ${path}: ${describeError(error)}`);
    }
    throw error;
  }
}

/** Puts a recorded link back as it was: same path, same target text (relative stays relative). */
export async function putBackLink(path: string, target: string): Promise<void> {
  const now = await lstat(path).catch(() => undefined);
  if (now?.isSymbolicLink() && (await readlink(path)) === target) return;
  // What is there now is what detachLinks (home-links.ts) put in the link's place: a private copy or folder.
  if (now) await rm(path, { recursive: true, force: true });
  await symlink(target, path);
}
