import { constants } from "node:fs";
import { chmod, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Writes a file only its owner can read (0600), refusing to follow a symlink planted at the path, so a
 * key never lands somewhere else or readable by others.
 */
export async function writePrivateFile(path: string, content: string): Promise<void> {
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

/** Writes a non-secret file, keeping the mode of an existing one. */
export async function writeTextFile(path: string, content: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
  const handle = await open(path, flags, mode);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

export async function setMode(path: string, mode: number): Promise<void> {
  await chmod(path, mode);
}
