import { lstat, readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { type Zippable, zipSync } from "fflate";
import { UserError } from "../errors.ts";
import { crc64 } from "./crc64.ts";

export interface CodePackage {
  /** The zip, base64-encoded as CreateFunction's code.zipFile takes it. */
  zipBase64: string;
  /** CRC-64 of the zip, as GetFunction reports codeChecksum. */
  checksum: string;
  bytes: number;
  files: number;
}

// fngate sends the zip inline (base64 in the CreateFunction/UpdateFunction body) and caps it at 75 MB
// (100 MB of base64): a bigger package belongs in an image, and failing here costs no call.
const MAX_INLINE_BYTES = 100 * 1024 * 1024 * 0.75;
// Fixed time stamps and sorted entries: the same folder always gives the same zip, so the checksum
// says "unchanged" on a re-run and no update is made.
const FIXED_MTIME = new Date("2000-01-01T00:00:00Z");

export async function zipCodeFolder(folder: string): Promise<CodePackage> {
  const stat = await lstat(folder).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new UserError(
      `code-path must be a folder holding the function's code; ${JSON.stringify(folder)} is not a folder.`,
    );
  }
  const entries: Zippable = {};
  let files = 0;
  for (const path of await listFiles(folder)) {
    const name = relative(folder, path).split(sep).join("/");
    // Unix permissions travel in the zip: a custom runtime's bootstrap must stay executable.
    const mode = (await lstat(path)).mode & 0o777;
    entries[name] = [
      await readFile(path),
      { mtime: FIXED_MTIME, level: 6, os: 3, attrs: (0o100000 | mode) << 16 },
    ];
    files++;
  }
  if (files === 0)
    throw new UserError(`code-path ${JSON.stringify(folder)} is empty: it must hold the function's code.`);
  const zip = zipSync(entries);
  if (zip.length > MAX_INLINE_BYTES) {
    throw new UserError(
      `code-path zips to ${Math.round(zip.length / 1048576)} MB, over the 75 MB fngate uploads inline: leave dependencies out or deploy an image.`,
    );
  }
  return { zipBase64: Buffer.from(zip).toString("base64"), checksum: crc64(zip), bytes: zip.length, files };
}

/** Every regular file under `folder`, sorted; .git is left out, symlinks are not followed. */
async function listFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name === ".git") continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}
