import { WaitInterrupted } from "../deadline.ts";
import { describeError } from "../errors.ts";
import { buildSettings, contextHash } from "./context-hash.ts";
import { contextTag, findContextImage, putTag, readManifest, taggedDigest } from "./context-tags.ts";
import { type RegistryAccess, RegistrySession, splitReference } from "./registry-session.ts";

/**
 * "Has this exact source been built and pushed before?", asked of the registry before a build, so a
 * runner with an empty docker cache (every fresh CI job) does not build and push again what the
 * registry already holds. The answer is the context hash (context-hash.ts) looked up as a tag
 * (context-tags.ts).
 */
export interface ReuseRequest {
  /** The user's tag, HOST/PATH:TAG: it must point at the image afterwards, as a push would leave it. */
  image: string;
  contextDir: string;
  /** -f's Dockerfile; the context's own when absent. */
  dockerfile?: string;
  platform: string;
  access: RegistryAccess;
  log(line: string): void;
  warn(line: string): void;
}

export type ReuseCheck =
  | { reused: true; digest: string; contextHash: string }
  /** contextHash is absent when the context could not be hashed. */
  | { reused: false; contextHash?: string };

// A registry that does not answer within this is treated like one that refused: the build goes on.
const CHECK_TIMEOUT_MS = 30_000;

/**
 * Looks for an image built from the same source: when the registry has one, the user's tag is put on
 * it (a manifest PUT when the tag is missing or points elsewhere; nothing when it already points
 * there) and its digest is returned, with no build and no push. Anything that goes wrong on the way
 * (a file that cannot be read, a registry that is unreachable or refuses the login, a tag that cannot
 * be written) is a warning and the answer "build": the check can make a deploy faster, never fail it.
 */
export async function reuseImage(request: ReuseRequest): Promise<ReuseCheck> {
  const { access } = request;
  let hash: string;
  try {
    hash = await contextHash({
      contextDir: request.contextDir,
      ...(request.dockerfile ? { dockerfile: request.dockerfile } : {}),
      settings: buildSettings(request.platform),
    });
  } catch (error) {
    request.warn(
      `Could not hash the build context ${request.contextDir} (${describeError(error)}): building without looking for an image built from the same source.`,
    );
    return { reused: false };
  }
  const name = splitReference(request.image);
  const signal = AbortSignal.any([
    AbortSignal.timeout(CHECK_TIMEOUT_MS),
    ...(access.signal ? [access.signal] : []),
  ]);
  const session = new RegistrySession(name, { ...access, signal });
  const repository = `${name.host}/${name.repository}`;
  // What failed, for the warning: the question, or putting the user's tag on the answer.
  let doing = `ask ${name.host} for an image built from the same source`;
  try {
    const found = await findContextImage(session, name.repository, hash, request.platform);
    if ("missing" in found) {
      request.log(`Building: ${repository} ${found.missing} (context ${hash.slice(0, 12)}).`);
      return { reused: false, contextHash: hash };
    }
    const { digest } = found.manifest;
    const current = await taggedDigest(session, name.repository, name.reference);
    if (current !== digest) {
      doing = `put the tag ${name.reference} on ${repository}@${digest}, built from the same source`;
      await putTag(session, name.repository, name.reference, found.manifest);
      request.log(
        `Tagged ${digest} as ${request.image} in the registry (${current ? `it pointed at ${current}` : "a new tag"}): the same manifest, no layer moved.`,
      );
    }
    request.log(
      `Reused image ${repository}@${digest}, built from the same source (context ${hash.slice(0, 12)}, tag ${contextTag(hash)}): no docker build, no push.`,
    );
    return { reused: true, digest, contextHash: hash };
  } catch (error) {
    if (access.signal?.aborted)
      throw new WaitInterrupted(`asking ${name.host} for the image`, access.signal.reason);
    request.warn(`Could not ${doing} (${reasonOf(error)}): building and pushing it.`);
    return { reused: false, contextHash: hash };
  }
}

/**
 * After a push: puts the context tag on the pushed manifest, so the next runner finds it. A manifest
 * PUT of the bytes just pushed (not a second `docker push`): one small request, and the digest is the
 * pushed one by construction. A failure is a warning; the deploy goes on with the image it pushed.
 */
export async function recordContextTag(
  image: string,
  digest: string,
  hash: string,
  access: RegistryAccess,
  log: (line: string) => void,
  warn: (line: string) => void,
): Promise<void> {
  const name = splitReference(image);
  const tag = contextTag(hash);
  const signal = AbortSignal.any([
    AbortSignal.timeout(CHECK_TIMEOUT_MS),
    ...(access.signal ? [access.signal] : []),
  ]);
  const session = new RegistrySession(name, { ...access, signal });
  try {
    const manifest = await readManifest(session, name.repository, digest);
    if (!manifest) throw new Error(`the registry does not serve ${digest}`);
    await putTag(session, name.repository, tag, manifest);
    log(`Tagged ${digest} as ${tag} too: a later run with the same source reuses it instead of building.`);
  } catch (error) {
    if (access.signal?.aborted) throw new WaitInterrupted(`tagging ${image}`, access.signal.reason);
    warn(
      `Could not tag ${name.host}/${name.repository}@${digest} as ${tag} (${reasonOf(error)}): the next run on a fresh runner builds the image again.`,
    );
  }
}

/** fetch says only "fetch failed"; the cause's code (ECONNREFUSED, ENOTFOUND) says why. */
function reasonOf(error: unknown): string {
  const text = describeError(error);
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === "string" && !text.includes(code) ? `${text}: ${code}` : text;
}
