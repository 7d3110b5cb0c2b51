// The function a pushed image runs, for the emulator's service URLs (GcpState.codeResolver): the image is
// pulled from its registry as Cloud Run's service agent pulls it (manifest, then its layers), and the
// module /function.mjs of its filesystem is loaded and called for each request, in this process. Its
// default export takes { query, contentType, body } and returns { status, body }; a function that
// throws answers 500, as a crashing container does. No container runs: the stand-in is the built file
// itself, so a different build really answers differently.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import type { RegistryClient } from "../registry/registry-client.ts";
import type { ServedCode } from "./state.ts";

const FUNCTION_FILE = "function.mjs";

interface Manifest {
  manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
  layers?: { digest: string; mediaType?: string }[];
}

/** The function in `repository@digest`, or undefined when the image holds no /function.mjs. */
export async function imageFunction(
  client: RegistryClient,
  repository: string,
  digest: string,
): Promise<ServedCode | undefined> {
  const source = await fileInImage(client, repository, digest, FUNCTION_FILE);
  if (source === undefined) return undefined;
  // Written only to be imported: once loaded, the module needs the file no more.
  const dir = await mkdtemp(join(tmpdir(), "fngate-run-fn-"));
  let module: { default?: unknown };
  try {
    const file = join(dir, FUNCTION_FILE);
    await writeFile(file, source);
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const handler = module.default;
  if (typeof handler !== "function") return undefined;
  return (request) => {
    try {
      const answer = handler(request) as { status?: number; body?: string };
      return { status: answer.status ?? 200, body: String(answer.body ?? "") };
    } catch (error) {
      return { status: 500, body: `Error: ${(error as Error).message}` };
    }
  };
}

/** A file of the image's filesystem (the last layer holding it wins), read from its gzipped layers. */
async function fileInImage(
  client: RegistryClient,
  repository: string,
  reference: string,
  path: string,
): Promise<Buffer | undefined> {
  const manifest = await manifestOf(client, repository, reference);
  let found: Buffer | undefined;
  for (const layer of manifest?.layers ?? []) {
    const blob = await client.blob(repository, layer.digest);
    if (!blob) continue;
    const tar = blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob;
    found = tarEntry(tar, path) ?? found;
  }
  return found;
}

/** The image's manifest; an index (multi-platform) is resolved to its linux/amd64 entry. */
async function manifestOf(
  client: RegistryClient,
  repository: string,
  reference: string,
): Promise<Manifest | undefined> {
  const stored = await client.manifest(repository, reference);
  if (!stored) return undefined;
  const manifest = JSON.parse(stored.body.toString("utf8")) as Manifest;
  if (!manifest.manifests) return manifest;
  const platform = manifest.manifests.find(
    (entry) => entry.platform?.os === "linux" && entry.platform.architecture === "amd64",
  );
  return platform ? manifestOf(client, repository, platform.digest) : undefined;
}

/** A regular file's bytes from a ustar archive, by path (with or without a leading ./ or /). */
function tarEntry(tar: Buffer, path: string): Buffer | undefined {
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) return undefined;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const name = `${field(345, 155) ? `${field(345, 155)}/` : ""}${field(0, 100)}`;
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    const start = offset + 512;
    if ((type === "0" || type === "") && name.replace(/^\.?\//, "") === path) {
      return Buffer.from(tar.subarray(start, start + size));
    }
    offset = start + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
