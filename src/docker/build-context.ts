import type { Stats } from "node:fs";
import { cp, lstat, mkdtemp, realpath, rm } from "node:fs/promises";
import { basename, isAbsolute, join, relative, sep } from "node:path";
import { UserError } from "../errors.ts";

/**
 * Version-control metadata never goes into an image: actions/checkout persists the job's
 * GITHUB_TOKEN in .git/config (or, from v6, in a file .git/config includes), and every VCS keeps its
 * remotes (often with credentials) there. .gitignore, .gitattributes and .gitmodules are tracked files
 * of the source, the same in every clone, so they stay.
 */
export const VCS_METADATA: readonly string[] = [".git", ".hg", ".svn", ".bzr"];

/**
 * Whether an entry below the context's root goes into the private copy: not VCS metadata (at any
 * depth), and a file, folder or symbolic link (docker cannot send sockets or FIFOs). The context hash
 * (context-hash.ts) walks the folder with this same rule, so it covers exactly what the copy holds.
 */
export function keptInCopy(
  name: string,
  stat: Pick<Stats, "isFile" | "isDirectory" | "isSymbolicLink">,
): boolean {
  if (VCS_METADATA.includes(name)) return false;
  return stat.isFile() || stat.isDirectory() || stat.isSymbolicLink();
}

/**
 * Runs `use` with a private copy of the build context that leaves out VCS metadata at every depth
 * (a nested repository or submodule included), so no .dockerignore rule, not even a user's `!.git`,
 * can bring it back. The user's own .dockerignore is copied unchanged and docker applies it to the
 * copy exactly as it would to the folder; nothing in the user's folder is written. Symbolic links are
 * copied as links (docker sends them as links too), sockets and FIFOs are left out (docker cannot
 * send them), time stamps are kept so the build cache behaves as for the folder itself. The copy
 * lives in the step's private temp folder and is removed when `use` settles.
 */
export async function withBuildContext<T>(
  contextDir: string,
  tempDir: string,
  use: (copy: string) => Promise<T>,
): Promise<T> {
  // A context holding the temp folder (TMPDIR inside the project) would be copied into itself.
  const inside = relative(contextDir, await realpath(tempDir).catch(() => tempDir));
  if (inside === "" || (inside !== ".." && !inside.startsWith(`..${sep}`) && !isAbsolute(inside))) {
    throw new UserError(
      `the build context ${contextDir} holds the temporary folder ${tempDir}: point path at the function's folder, or set TMPDIR outside it.`,
    );
  }
  const parent = await mkdtemp(join(tempDir, "fngate-context-"));
  const copy = join(parent, "context");
  try {
    await cp(contextDir, copy, {
      recursive: true,
      verbatimSymlinks: true,
      preserveTimestamps: true,
      filter: async (source) => source === contextDir || keptInCopy(basename(source), await lstat(source)),
    });
    return await use(copy);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}
