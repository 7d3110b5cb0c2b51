// npm run release -- <x.y.z> [--dry-run]: cut a release the way GitHub's action publishing conventions
// expect. From a clean main: check that dist/ and the generated docs are what the sources build, bump
// package.json (and its lock), move CHANGELOG.md's "Unreleased" section under the new version, commit,
// tag vX.Y.Z and move the major tag vX to it. It pushes nothing: it prints the push commands, so a
// person looks at the commit and the tags before anyone's `@v1` changes. --dry-run checks everything
// and changes nothing. test/release.test.ts runs it in a throwaway repository.
import { execFileSync, spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A reason not to release, for the person running the script; exit 1 with this one line. */
export class ReleaseRefused extends Error {}

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const UNRELEASED = /^## Unreleased[ \t]*$/m;

/**
 * CHANGELOG.md with the "## Unreleased" section's entries moved under "## <version> - <date>", and an
 * empty "## Unreleased" left on top for the next changes. Refused when there is nothing to release.
 */
export function releaseChangelog(text: string, version: string, date: string): string {
  const heading = UNRELEASED.exec(text);
  if (!heading)
    throw new ReleaseRefused('CHANGELOG.md has no "## Unreleased" section: add one listing the changes.');
  const start = heading.index + heading[0].length;
  const next = text.slice(start).search(/^## /m);
  const end = next < 0 ? text.length : start + next;
  const entries = text.slice(start, end).trim();
  if (entries === "")
    throw new ReleaseRefused(
      'CHANGELOG.md lists nothing under "## Unreleased": say what this release changes.',
    );
  return `${text.slice(0, heading.index)}## Unreleased\n\n## ${version} - ${date}\n\n${entries}\n\n${text.slice(end)}`.replace(
    /\n+$/,
    "\n",
  );
}

function newer(version: string, than: string): boolean {
  const parts = (text: string) => text.split(".").map(Number);
  const [a, b] = [parts(version), parts(than)];
  for (let index = 0; index < 3; index++) {
    if ((a[index] ?? 0) !== (b[index] ?? 0)) return (a[index] ?? 0) > (b[index] ?? 0);
  }
  return false;
}

async function release(root: string, args: readonly string[]): Promise<void> {
  const dryRun = args.includes("--dry-run");
  const version = args.find((arg) => !arg.startsWith("--"));
  if (!version || !VERSION.test(version))
    throw new ReleaseRefused(
      `give the new version as x.y.z: npm run release -- 1.2.3 [--dry-run]${version ? ` (not ${JSON.stringify(version)})` : ""}.`,
    );
  const git = (...gitArgs: string[]) =>
    execFileSync("git", gitArgs, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  const tag = `v${version}`;
  const major = `v${version.split(".")[0]}`;

  const branch = git("rev-parse", "--abbrev-ref", "HEAD");
  if (branch !== "main")
    throw new ReleaseRefused(`releases are cut from main, not ${branch}: git switch main.`);
  const changes = git("status", "--porcelain", "--untracked-files=all");
  if (changes !== "") {
    const files = changes.split("\n").map((line) => line.slice(3));
    throw new ReleaseRefused(
      `the working tree is not clean (${files.slice(0, 3).join(", ")}${files.length > 3 ? ", …" : ""}): commit or remove the changes first.`,
    );
  }
  const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version: string };
  if (!newer(version, manifest.version))
    throw new ReleaseRefused(`${version} is not newer than package.json's ${manifest.version}.`);
  if (spawnSync("git", ["rev-parse", "-q", "--verify", `refs/tags/${tag}`], { cwd: root }).status === 0)
    throw new ReleaseRefused(`the tag ${tag} exists already: pick the next version.`);
  const changelogFile = join(root, "CHANGELOG.md");
  const date = new Date().toISOString().slice(0, 10);
  const changelog = releaseChangelog(await readFile(changelogFile, "utf8"), version, date);

  // What the tag will point at must be what the sources build: the actions run dist/ as committed.
  for (const [script, fix] of [
    ["check-dist", 'dist/ is not what the sources build: run "npm run build", commit dist/, then release.'],
    [
      "check-docs",
      'the README reference or the CLI metadata is stale: run "npm run docs", commit, then release.',
    ],
  ] as const) {
    const check = spawnSync("npm", ["run", "-s", script], { cwd: root, stdio: "inherit" });
    if (check.status !== 0) throw new ReleaseRefused(fix);
  }

  if (dryRun) {
    console.log(
      `release ${tag} (dry run): the checks pass. A real run bumps package.json to ${version}, moves CHANGELOG.md's Unreleased entries under "${version} - ${date}", commits, tags ${tag} and moves ${major} to it.`,
    );
    return;
  }
  // npm's own bump keeps package.json and package-lock.json in step; no tag, the commit comes below.
  execFileSync("npm", ["version", version, "--no-git-tag-version"], { cwd: root, stdio: "ignore" });
  await writeFile(changelogFile, changelog);
  git("add", "package.json", "package-lock.json", "CHANGELOG.md");
  git("commit", "--quiet", "-m", `Release ${tag}`);
  git("tag", "-a", tag, "-m", `fngate ${tag}`);
  // The major tag is what `uses: <owner>/fngate@v1` resolves: it moves to every release of that major.
  git("tag", "-f", major, `${tag}^{commit}`);
  console.log(
    [
      `Released ${tag} at ${git("rev-parse", "--short", "HEAD")}; ${major} now points there too. Nothing is pushed yet; check the commit, then:`,
      "",
      "  git push origin main",
      `  git push origin ${tag}`,
      `  git push --force origin ${major}`,
      "",
      `Then publish the release notes (GitHub: Releases → Draft a new release → ${tag}) and, for the npm`,
      "registry, npm publish.",
    ].join("\n"),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  try {
    await release(root, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ReleaseRefused)) throw error;
    console.error(`release: ${error.message}`);
    process.exitCode = 1;
  }
}
