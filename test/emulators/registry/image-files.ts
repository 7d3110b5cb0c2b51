// What a pushed image really contains: every file path and its content across the image's layers, read
// back from the registry (manifest, then each layer blob, gunzipped, ustar/GNU tar entries), so a test
// asserts on what a puller would get, not on what the build was asked to do.
import { gunzipSync } from "node:zlib";
import type { RegistryClient } from "./registry-client.ts";

const BLOCK = 512;

export interface ImageFile {
  path: string;
  content: Buffer;
}

/** The files of `repository@digest` (an image manifest), layer by layer, in order. */
export async function imageFiles(
  client: RegistryClient,
  repository: string,
  digest: string,
): Promise<ImageFile[]> {
  const stored = await client.manifest(repository, digest);
  if (!stored) throw new Error(`registry has no manifest ${repository}@${digest}`);
  const manifest = JSON.parse(stored.body.toString("utf8")) as { layers?: { digest: string }[] };
  const files: ImageFile[] = [];
  for (const layer of manifest.layers ?? []) {
    const blob = await client.blob(repository, layer.digest);
    if (!blob) throw new Error(`registry has no layer ${layer.digest}`);
    files.push(...tarEntries(blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob));
  }
  return files;
}

/** Regular files and the names of every other entry (directories, links) of a tar archive. */
export function tarEntries(tar: Buffer): ImageFile[] {
  const entries: ImageFile[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1) || "0";
    const prefix = field(257, 6).startsWith("ustar") ? field(345, 155) : "";
    const body = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") {
      longName = body.toString("utf8").replace(/\0.*$/s, "");
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    entries.push({
      path: name.replace(/^\.?\//, ""),
      content: type === "0" ? Buffer.from(body) : Buffer.alloc(0),
    });
  }
  return entries;
}
