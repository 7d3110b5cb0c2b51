import { constants } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Writes a file only its owner can read (0600), refusing to follow a symlink planted at the path, so a
 * key never lands somewhere else or readable by others. Folders it creates are 0700.
 */
export async function writePrivateFile(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
  const handle = await open(path, flags, 0o600);
  try {
    // An existing file keeps its mode on open: set it explicitly.
    await handle.chmod(0o600);
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

/**
 * Creates a file that must not exist yet (a link or anything else at the path is an error, never
 * followed), writes it while it is still 0600, and only then gives it `mode`: how a backup is taken
 * and how a user's file is put back with its own mode.
 */
export async function writeNewFile(path: string, content: Buffer, mode = 0o600): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const handle = await open(path, flags, 0o600);
  try {
    await handle.writeFile(content);
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}
