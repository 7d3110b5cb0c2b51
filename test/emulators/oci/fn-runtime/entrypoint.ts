// The command a function image runs, read from the function directory the way `fn build` reads
// it: func.yaml's `entrypoint` (e.g. "node func.js"), else `node func.js`. `node` means the Node
// running the emulator, so functions run on the suite's Node 24 without a container engine, with
// a preload that ends the function when the emulator's process is gone.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export function entrypointOf(codeDir: string): { command: string; args: string[] } {
  const funcYaml = join(codeDir, "func.yaml");
  let words = ["node", "func.js"];
  if (existsSync(funcYaml)) {
    const parsed = parse(readFileSync(funcYaml, "utf8")) as { entrypoint?: unknown } | null;
    if (typeof parsed?.entrypoint === "string" && parsed.entrypoint.trim()) {
      words = parsed.entrypoint.trim().split(/\s+/);
    }
  }
  const [command = "node", ...args] = words;
  if (command !== "node") return { command, args };
  return {
    command: process.execPath,
    args: ["--require", join(import.meta.dirname, "exit-with-parent.cjs"), ...args],
  };
}
