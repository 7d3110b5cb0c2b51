import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import dockerignoreModule, { type Ignore } from "@balena/dockerignore";
import { keptInCopy } from "./build-context.ts";

// The package is CommonJS with `module.exports = ignore`, but its types declare an ES default export:
// under nodenext TypeScript then types the default import as the whole module, while Node and esbuild
// hand over module.exports itself, the function.
const ignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

/** One entry of a build context as docker sends it: a path relative to the context, `/`-separated. */
export type ContextEntry =
  | { kind: "file"; path: string; absolute: string; size: number; executable: boolean }
  | { kind: "dir"; path: string }
  | { kind: "link"; path: string; target: string };

/** The ignore files that decide what the build sees, with their text (empty when absent). */
export interface IgnoreFiles {
  /** .dockerignore at the context's root: both builders apply it. */
  root: string | undefined;
  /** `<Dockerfile>.dockerignore` beside the Dockerfile: BuildKit prefers it to the root one. */
  dockerfileSpecific: string | undefined;
}

/**
 * The ignore rules as docker applies them (https://docs.docker.com/build/concepts/context/#dockerignore-files):
 * @balena/dockerignore is a port of moby's own matcher (patterns relative to the root, `!` exceptions,
 * a folder's rule covering everything below it). Which file applies depends on the builder: the
 * legacy builder reads .dockerignore only, BuildKit reads `<Dockerfile>.dockerignore` instead when it
 * exists. Rather than ask docker which builder it runs, an entry counts as left out only when every
 * builder would leave it out: a wrong guess could then cost a rebuild, never reuse an image built
 * without a file the build sees.
 */
export function ignoreRules(files: IgnoreFiles): { ignores(path: string): boolean; exceptions: boolean } {
  const rules: { matcher: Ignore; exceptions: boolean }[] = [];
  const parse = (text: string) => ({
    matcher: ignore().add(text),
    // Moby walks into an excluded folder only when some `!` rule may bring something in it back.
    exceptions: text.split(/\r?\n/).some((line) => line.trim().startsWith("!")),
  });
  // Legacy: the root file, or nothing. BuildKit: the specific file when it exists, else the root file.
  const legacy = files.root === undefined ? undefined : parse(files.root);
  const buildkit = files.dockerfileSpecific === undefined ? legacy : parse(files.dockerfileSpecific);
  if (legacy === undefined || buildkit === undefined) return { ignores: () => false, exceptions: false };
  rules.push(legacy);
  if (buildkit !== legacy) rules.push(buildkit);
  return {
    ignores: (path) => rules.every((rule) => rule.matcher.ignores(path)),
    exceptions: rules.some((rule) => rule.exceptions),
  };
}

/** Reads the ignore files a build of `contextDir` with `dockerfile` may apply. */
export async function readIgnoreFiles(contextDir: string, dockerfile: string): Promise<IgnoreFiles> {
  const read = (path: string) =>
    readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
  return {
    root: await read(join(contextDir, ".dockerignore")),
    dockerfileSpecific: await read(join(dirname(dockerfile), `${basename(dockerfile)}.dockerignore`)),
  };
}

/**
 * Every entry of `contextDir` that the build sees: what the private copy holds (no VCS metadata, no
 * sockets or FIFOs; see build-context.ts) less what the ignore rules leave out, sorted by path.
 * Symbolic links are entries of their own, not followed (docker sends them as links). A folder left
 * out is not walked unless an exception rule could bring something in it back, so an ignored
 * node_modules costs nothing.
 */
export async function contextEntries(contextDir: string, files: IgnoreFiles): Promise<ContextEntry[]> {
  const rules = ignoreRules(files);
  const entries: ContextEntry[] = [];
  const walk = async (relativeDir: string): Promise<void> => {
    const dir = relativeDir === "" ? contextDir : join(contextDir, relativeDir);
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const path = relativeDir === "" ? name : `${relativeDir}/${name}`;
      const absolute = join(dir, name);
      const stat = await lstat(absolute);
      if (!keptInCopy(name, stat)) continue;
      const ignored = rules.ignores(path);
      if (stat.isDirectory()) {
        if (!ignored) entries.push({ kind: "dir", path });
        if (!ignored || rules.exceptions) await walk(path);
      } else if (ignored) {
        // left out of the build
      } else if (stat.isSymbolicLink()) {
        entries.push({ kind: "link", path, target: await readlink(absolute) });
      } else {
        // Checkouts differ in group and other bits (umask), git keeps only "executable or not".
        const executable = (stat.mode & 0o111) !== 0;
        entries.push({ kind: "file", path, absolute, size: stat.size, executable });
      }
    }
  };
  await walk("");
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
