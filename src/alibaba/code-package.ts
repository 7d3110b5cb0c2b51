import { createReadStream } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { Zip, ZipDeflate } from "fflate";
import { VCS_METADATA } from "../docker/build-context.ts";
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
// fngate's own bound on what it reads before compressing (not an FC limit): a folder of several
// hundred MB will not zip under the inline cap, and reading it would only cost time and memory.
const MAX_SOURCE_BYTES = 512 * 1024 * 1024;
// Fixed time stamps and sorted entries: the same folder always gives the same zip, so the checksum
// says "unchanged" on a re-run and no update is made.
const FIXED_MTIME = new Date("2000-01-01T00:00:00Z");

/**
 * Zips the function's folder (already confined to the workspace by the caller) as a stream: files are
 * read chunk by chunk into the compressor and the zip is abandoned as soon as it passes the inline
 * cap, so a huge file is never read whole. `shownAs` is the input as the user wrote it, for messages.
 */
export async function zipCodeFolder(folder: string, shownAs = folder): Promise<CodePackage> {
  const stat = await lstat(folder).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new UserError(
      `code-path must be a folder holding the function's code; ${JSON.stringify(shownAs)} is not a folder.`,
    );
  }
  const files = await listFiles(folder);
  if (files.length === 0)
    throw new UserError(`code-path ${JSON.stringify(shownAs)} is empty: it must hold the function's code.`);
  const sourceBytes = files.reduce((sum, file) => sum + file.size, 0);
  if (sourceBytes > MAX_SOURCE_BYTES) {
    throw new UserError(
      `code-path ${JSON.stringify(shownAs)} holds ${megabytes(sourceBytes)} MB of files, more than fngate zips for an inline upload (${megabytes(MAX_SOURCE_BYTES)} MB): leave dependencies out or deploy an image.`,
    );
  }
  const zip = await zipStream(folder, files, shownAs);
  return {
    zipBase64: Buffer.from(zip).toString("base64"),
    checksum: crc64(zip),
    bytes: zip.length,
    files: files.length,
  };
}

async function zipStream(
  folder: string,
  files: { path: string; size: number; mode: number }[],
  shownAs: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let failure: Error | undefined;
  let finished = false;
  const zip = new Zip((error, chunk, final) => {
    if (error) failure = error;
    else {
      size += chunk.length;
      if (size > MAX_INLINE_BYTES) failure = tooBig(shownAs);
      else chunks.push(chunk);
    }
    if (final) finished = true;
  });
  try {
    for (const file of files) {
      const name = relative(folder, file.path).split(sep).join("/");
      const entry = new ZipDeflate(name, { level: 6 });
      // Unix permissions travel in the zip: a custom runtime's bootstrap must stay executable.
      Object.assign(entry, { mtime: FIXED_MTIME, os: 3, attrs: (0o100000 | file.mode) << 16 });
      zip.add(entry);
      for await (const chunk of createReadStream(file.path)) {
        entry.push(chunk as Buffer);
        if (failure) throw failure;
      }
      entry.push(new Uint8Array(0), true);
      if (failure) throw failure;
    }
    zip.end();
  } catch (error) {
    zip.terminate();
    throw error;
  }
  if (failure) throw failure;
  if (!finished) throw new Error("zip stream did not finish");
  return Buffer.concat(chunks);
}

function tooBig(shownAs: string): UserError {
  return new UserError(
    `code-path ${JSON.stringify(shownAs)} zips to more than ${megabytes(MAX_INLINE_BYTES)} MB, the most fngate uploads inline: leave dependencies out or deploy an image.`,
  );
}

function megabytes(bytes: number): number {
  return Math.round(bytes / 1048576);
}

/** Every regular file under `folder`, sorted; VCS metadata is left out, symlinks are not followed. */
async function listFiles(folder: string): Promise<{ path: string; size: number; mode: number }[]> {
  const found: { path: string; size: number; mode: number }[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (VCS_METADATA.includes(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path)));
    else if (entry.isFile()) {
      const stat = await lstat(path);
      found.push({ path, size: stat.size, mode: stat.mode & 0o777 });
    }
  }
  return found;
}
