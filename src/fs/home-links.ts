import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { describeError, UserError } from "../errors.ts";
import type { RestorePlan } from "./restore-plan.ts";
import { writeNewFile } from "./secure-file.ts";

/**
 * Symlinks under HOME (GNU stow, chezmoi, yadm and home-manager link ~/.oci/config, ~/.docker or a
 * whole ~/.fn into a dotfiles repository) are replaced for the run, never written through.
 *
 * Why replace rather than refuse: refusing would make fngate unusable on every self-hosted runner or
 * laptop managed that way until the user dismantles their setup, while writing through the link would
 * put an API key or a registry password into the dotfiles repository, one `git push` away from being
 * public. Replacing keeps both promises: the run gets private files (0600, folders 0700) that start
 * from what the link pointed at, so the other profiles and contexts keep working; the link's target
 * is never opened for writing; and the post step (or `fngate cleanup`) puts back the very same link.
 *
 * - A linked file becomes a private copy of the file it points at (or nothing, when it points at
 *   nothing, a folder or a device: there is nothing to keep).
 * - A linked folder becomes a private folder holding one link per entry of the folder it pointed at,
 *   so keys and files other profiles name still resolve; the files fngate writes in it are then
 *   replaced like any linked file. Anything another tool creates in that folder during the run goes
 *   when the link is put back.
 *
 * Call it after the plan has been handed to the post step: from here on, HOME differs.
 */
export async function detachLinks(plan: RestorePlan): Promise<string[]> {
  const replaced: string[] = [];
  for (const file of plan.files) {
    const dirs: string[] = [];
    for (let dir = dirname(file); dir.startsWith(`${plan.root}/`); dir = dirname(dir)) dirs.unshift(dir);
    for (const path of [...dirs, file]) {
      const stats = await lstat(path).catch(() => undefined);
      if (stats === undefined) break;
      if (!stats.isSymbolicLink()) continue;
      const target = resolve(dirname(path), await readlink(path));
      if (path === file) await replaceLinkedFile(path, target);
      else await replaceLinkedFolder(path, target);
      if (plan.entries.some((entry) => entry.kind === "link" && entry.path === path)) replaced.push(path);
    }
  }
  return replaced;
}

/** Said once per link replaced for the run, so nobody wonders why their dotfile is a file until post. */
export function replacedLinkNote(link: string): string {
  return `${link} is a symlink: fngate never writes through it, so for this run it is a private copy of what it pointed at; the post step (or fngate cleanup) puts the link back.`;
}

/** Configuration files are small; a link to something huge is a mistake, not something to copy. */
const MAX_COPY_BYTES = 1024 * 1024;

async function replaceLinkedFile(path: string, target: string): Promise<void> {
  const pointed = await stat(path).catch(() => undefined);
  let content: Buffer | undefined;
  if (pointed?.isFile()) {
    if (pointed.size > MAX_COPY_BYTES) {
      throw new UserError(
        `${path} links to ${target}, which holds ${pointed.size} bytes: that is not a configuration file; point the link at the right file, then re-run.`,
      );
    }
    try {
      content = await readFile(path);
    } catch (error) {
      throw new UserError(`cannot read ${path} (a link to ${target}): ${describeError(error)}`);
    }
  }
  await unlink(path);
  if (content !== undefined) await writeNewFile(path, content);
}

async function replaceLinkedFolder(path: string, target: string): Promise<void> {
  const names = await readdir(path).catch(() => [] as string[]);
  await unlink(path);
  await mkdir(path, { mode: 0o700 });
  for (const name of names) await symlink(join(target, name), join(path, name));
}
