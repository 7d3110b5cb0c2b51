import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UserError } from "../errors.ts";

/**
 * A path input (fn-deploy's and cloud-run-deploy's path, fc-deploy's code-path) confined to the
 * workspace: the repository checkout on GitHub (GITHUB_WORKSPACE), the current directory for the CLI.
 * Whatever it names is built into an image or zipped into a package that leaves the machine, so `../`,
 * an absolute path elsewhere (/root, ~/.ssh) or a symbolic link inside the workspace that points out of
 * it is refused before anything is read.
 */
export interface ConfinedPath {
  /** The path as resolved against the workspace, symbolic links left as they are (for messages). */
  given: string;
  /** The real path, every symbolic link resolved: what is read. */
  real: string;
}

/**
 * Resolves `value` against `workspaceDir` and refuses it unless its real path lies inside the
 * workspace's real path. A path that does not exist is returned unresolved (`real` = `given`) when it
 * would lie inside, so the caller's own "is not a folder" message still names the input.
 */
export async function confineToWorkspace(
  inputName: string,
  value: string,
  workspaceDir: string,
  names: "folder" | "file" = "folder",
): Promise<ConfinedPath> {
  const root = resolve(workspaceDir);
  const given = resolve(root, value);
  const lexicallyInside = inside(root, given);
  const realRoot = await realpath(root).catch(() => root);
  const real = await realpathOfExisting(inputName, value, given, names).catch((error: unknown) => {
    // Unreadable (/root for a runner user) and outside anyway: say the second, which is what to fix.
    throw lexicallyInside ? error : outside(inputName, value, realRoot, undefined, names);
  });
  if (!inside(realRoot, real.path)) {
    throw outside(inputName, value, realRoot, lexicallyInside ? real.path : undefined, names);
  }
  // Nothing there yet: the caller's own check ("is not a folder") names the input.
  return { given, real: real.exists ? real.path : given };
}

/** The real path of `path`, or of its deepest existing ancestor joined with the rest. */
async function realpathOfExisting(
  inputName: string,
  value: string,
  path: string,
  names: "folder" | "file",
): Promise<{ path: string; exists: boolean }> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return { path: join(await realpath(current), ...missing.reverse()), exists: missing.length === 0 };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== "ENOENT" && code !== "ENOTDIR") || dirname(current) === current) {
        throw new UserError(
          `${inputName} ${JSON.stringify(value)} cannot be read (${code ?? String(error)}): point ${inputName} at a ${names} in the repository checkout.`,
        );
      }
      missing.push(basename(current));
      current = dirname(current);
    }
  }
}

function inside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest === "" || (rest !== ".." && !rest.startsWith(`..${sep}`) && !isAbsolute(rest));
}

function outside(
  inputName: string,
  value: string,
  workspace: string,
  linkTarget: string | undefined,
  names: "folder" | "file",
): UserError {
  const how = linkTarget === undefined ? "is" : `resolves through a symbolic link to ${linkTarget}, which is`;
  return new UserError(
    `${inputName} ${JSON.stringify(value)} ${how} outside the workspace (${workspace}): fngate builds and uploads only what is inside the repository checkout; point ${inputName} at a ${names} in it.`,
  );
}
