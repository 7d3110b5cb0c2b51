import { splitReference } from "./registry-session.ts";

/** What a Dockerfile's final stage is built from. */
export type FinalBase =
  | { kind: "scratch" }
  | { kind: "image"; from: string }
  | { kind: "unknown"; from: string };

/**
 * Follows the Dockerfile's last `FROM` through stage names (`FROM build AS app` … `FROM app`) to what
 * the image really starts from. Line continuations and comments are handled; a `FROM ${ARG}` cannot be
 * known without the build arguments and is "unknown".
 */
export function finalBase(dockerfile: string): FinalBase | undefined {
  const stages = new Map<string, string>();
  let last: string | undefined;
  for (const line of instructions(dockerfile)) {
    const from = /^from\s+(?:--\S+\s+)*(\S+)(?:\s+as\s+(\S+))?\s*$/i.exec(line);
    if (!from) continue;
    last = from[1] ?? "";
    if (from[2]) stages.set(from[2].toLowerCase(), last);
  }
  if (last === undefined) return undefined;
  let base = last;
  for (let hops = 0; stages.has(base.toLowerCase()) && hops < 100; hops += 1) {
    base = stages.get(base.toLowerCase()) ?? base;
  }
  if (base.toLowerCase() === "scratch") return { kind: "scratch" };
  return base.includes("$") ? { kind: "unknown", from: base } : { kind: "image", from: base };
}

/**
 * Whether building this Dockerfile may pull an image from registry `host`: a FROM, COPY --from= or
 * RUN --mount=…,from= naming that host, or one that depends on a build argument (it could). Stage
 * names, stage numbers and scratch pull nothing. Without a Dockerfile to read (undefined), it may.
 * The pipeline builds alongside docker login to that host only when this is false: a private base
 * image there would need the login first.
 */
export function mayPullFrom(dockerfile: string | undefined, host: string): boolean {
  if (dockerfile === undefined) return true;
  const stages = new Set<string>();
  const pulls = (image: string): boolean => {
    if (image.includes("$")) return true;
    const name = image.toLowerCase();
    if (name === "scratch" || stages.has(name) || /^\d+$/.test(name)) return false;
    return splitReference(image).host === host;
  };
  for (const line of instructions(dockerfile)) {
    const from = /^from\s+(?:--\S+\s+)*(\S+)(?:\s+as\s+(\S+))?\s*$/i.exec(line);
    if (from) {
      if (pulls(from[1] ?? "")) return true;
      if (from[2]) stages.add(from[2].toLowerCase());
      continue;
    }
    for (const [, image] of line.matchAll(/(?:^|[\s,])(?:--)?from=([^\s,]+)/gi)) {
      if (pulls(image ?? "")) return true;
    }
  }
  return false;
}

function* instructions(text: string): Generator<string> {
  let current = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (current === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    yield `${current}${line}`.trim();
    current = "";
  }
  if (current.trim() !== "") yield current.trim();
}
