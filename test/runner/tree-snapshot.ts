// Snapshots of the folders a step may write to (HOME, RUNNER_TEMP, the workspace), so tests
// can see exactly what a step created, changed or left behind. Symlinks are recorded, never
// followed: a step must not be able to make the harness read outside the job root.
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export type TreeEntry =
  | { kind: "directory"; mode: number }
  /** content is undefined when the harness may not read the file (mode 0000, for example). */
  | { kind: "file"; mode: number; content: Buffer | undefined }
  | { kind: "symlink"; target: string }
  | { kind: "other"; mode: number };

/** Keyed by path relative to the job root, with `/` separators (`home/.oci/config`). */
export type TreeSnapshot = Map<string, TreeEntry>;

export interface WrittenFile {
  path: string;
  mode: number;
  content: Buffer;
}

/** Everything below each root (not the roots themselves: an untouched empty HOME snapshots as empty). */
export async function snapshotTrees(base: string, roots: readonly string[]): Promise<TreeSnapshot> {
  const snapshot: TreeSnapshot = new Map();
  for (const root of roots) await walkChildren(base, root, snapshot);
  return snapshot;
}

async function walkChildren(base: string, dir: string, into: TreeSnapshot): Promise<void> {
  const names = await readdir(dir).catch(ignoreVanished);
  for (const name of (names ?? []).sort()) await walk(base, join(dir, name), into);
}

async function walk(base: string, path: string, into: TreeSnapshot): Promise<void> {
  const stats = await lstat(path).catch(ignoreVanished);
  if (stats === undefined) return;
  const key = relative(base, path).split(sep).join("/");
  const mode = stats.mode & 0o7777;
  if (stats.isSymbolicLink()) {
    into.set(key, { kind: "symlink", target: await readlink(path) });
  } else if (stats.isDirectory()) {
    into.set(key, { kind: "directory", mode });
    await walkChildren(base, path, into);
  } else if (stats.isFile()) {
    const content = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EACCES" || error.code === "ENOENT") return undefined;
      throw error;
    });
    into.set(key, { kind: "file", mode, content });
  } else {
    into.set(key, { kind: "other", mode });
  }
}

function ignoreVanished(error: NodeJS.ErrnoException): undefined {
  if (error.code === "ENOENT") return undefined;
  throw error;
}

export interface TreeChanges {
  /** Files created, or changed in content or mode. */
  written: WrittenFile[];
  /** Paths (files, directories, links) present before and gone after. */
  removed: string[];
}

export function diffSnapshots(before: TreeSnapshot, after: TreeSnapshot): TreeChanges {
  const written: WrittenFile[] = [];
  for (const [path, entry] of after) {
    if (entry.kind !== "file") continue;
    const previous = before.get(path);
    const unchanged =
      previous?.kind === "file" &&
      previous.mode === entry.mode &&
      previous.content !== undefined &&
      entry.content !== undefined &&
      previous.content.equals(entry.content);
    if (!unchanged) written.push({ path, mode: entry.mode, content: entry.content ?? Buffer.alloc(0) });
  }
  const removed = [...before.keys()].filter((path) => !after.has(path));
  return { written, removed };
}
