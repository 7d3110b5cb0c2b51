import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type ContextEntry, contextEntries, readIgnoreFiles } from "./context-files.ts";

/** What a build reads, besides the daemon's own cache and the base images it pulls. */
export interface BuildInputs {
  /** The context folder (the user's, or fngate's private copy of it: both hash the same). */
  contextDir: string;
  /** The Dockerfile docker reads: -f's file, else the context's own Dockerfile. */
  dockerfile?: string;
  /**
   * Every build setting that changes the image (--platform today; a target or build args would go
   * here too), by name. Settings that change only where the image goes (-t) or that keep it one
   * manifest (--provenance=false) are left out.
   */
  settings: Record<string, string>;
}

/** The settings fngate's builds set that change the image (see BuildInputs.settings). */
export function buildSettings(platform: string): Record<string, string> {
  return { platform };
}

/**
 * Bumped whenever what the hash covers or how it is encoded changes, so an old record can never be
 * taken for a new one.
 */
const FORMAT = "fngate-build-context/1";
// Files up to this size are read whole; larger ones are streamed, so memory stays flat whatever the context.
const READ_WHOLE_BYTES = 1024 * 1024;
// Files hashed at once: enough to keep the disk busy, few enough to stay clear of the open-file limit.
const PARALLEL_FILES = 16;

/**
 * A content hash (sha256, hex) of exactly what a build sees: each entry of the context after the
 * ignore rules (its path, kind, the executable bit for a file, its content or a link's target), the
 * Dockerfile's text, the ignore files' text, and the settings. It is stable across machines and
 * checkouts: time stamps, owners and the group/other permission bits (which follow the umask of the
 * clone, not the repository) are left out, paths are relative and sorted, and every field is
 * NUL-terminated so no two different contexts encode alike. Base images are not resolved: like a
 * docker build without --pull, the hash says "same source", not "same base image digest".
 */
export async function contextHash(inputs: BuildInputs): Promise<string> {
  const dockerfile = inputs.dockerfile ?? join(inputs.contextDir, "Dockerfile");
  const ignoreFiles = await readIgnoreFiles(inputs.contextDir, dockerfile);
  const entries = await contextEntries(inputs.contextDir, ignoreFiles);
  const digests = await fileDigests(entries);
  const hash = createHash("sha256");
  const field = (...values: string[]) => {
    for (const value of values) hash.update(`${value}\0`);
  };
  field(FORMAT);
  for (const name of Object.keys(inputs.settings).sort()) field("setting", name, inputs.settings[name] ?? "");
  field("dockerfile", sha256(await readFile(dockerfile)));
  // Docker always sends them, even when they match their own rules (the daemon drops them after).
  field("dockerignore", ignoreFiles.root === undefined ? "-" : sha256(Buffer.from(ignoreFiles.root)));
  field(
    "dockerfile.dockerignore",
    ignoreFiles.dockerfileSpecific === undefined ? "-" : sha256(Buffer.from(ignoreFiles.dockerfileSpecific)),
  );
  for (const entry of entries) {
    if (entry.kind === "dir") field("d", entry.path);
    else if (entry.kind === "link") field("l", entry.path, entry.target);
    else field("f", entry.path, entry.executable ? "x" : "-", digests.get(entry.path) ?? "");
  }
  return hash.digest("hex");
}

/** sha256 of every file's content, a bounded number at a time. */
async function fileDigests(entries: ContextEntry[]): Promise<Map<string, string>> {
  const files = entries.filter((entry) => entry.kind === "file");
  const digests = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++];
      if (file) digests.set(file.path, await fileDigest(file.absolute, file.size));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, files.length) }, worker));
  return digests;
}

async function fileDigest(path: string, size: number): Promise<string> {
  if (size <= READ_WHOLE_BYTES) return sha256(await readFile(path));
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: READ_WHOLE_BYTES })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
