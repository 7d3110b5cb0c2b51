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
  const lookup = await lookUpReusableImage(request);
  return lookup.found ? lookup.claim(request) : { reused: false, ...withHash(lookup.contextHash) };
}

/**
 * reuseImage's question without its answer's one write: found or not, nothing in the registry has
 * changed yet. `claim` then puts the user's tag on the image found (the pipeline calls it once its
 * preflight has cleared the run for changes, from another stage: it says so in that stage's lines).
 */
export type ReuseLookup =
  | { found: false; contextHash?: string }
  | {
      found: true;
      digest: string;
      contextHash: string;
      claim(report: Pick<ReuseRequest, "log" | "warn">): Promise<ReuseCheck>;
    };

export async function lookUpReusableImage(request: ReuseRequest): Promise<ReuseLookup> {
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
    return { found: false };
  }
  const name = splitReference(request.image);
  const repository = `${name.host}/${name.repository}`;
  try {
    const session = checkSession(request);
    const found = await findContextImage(session, name.repository, hash, request.platform);
    if ("missing" in found) {
      request.log(`Building: ${repository} ${found.missing} (context ${hash.slice(0, 12)}).`);
      return { found: false, contextHash: hash };
    }
    const { manifest } = found;
    const current = await taggedDigest(session, name.repository, name.reference);
    const claim = async (report: Pick<ReuseRequest, "log" | "warn">): Promise<ReuseCheck> => {
      if (current !== manifest.digest) {
        try {
          await putTag(checkSession(request), name.repository, name.reference, manifest);
        } catch (error) {
          if (access.signal?.aborted)
            throw new WaitInterrupted(`tagging ${request.image}`, access.signal.reason);
          report.warn(
            `Could not put the tag ${name.reference} on ${repository}@${manifest.digest}, built from the same source (${reasonOf(error)}): building and pushing it.`,
          );
          return { reused: false, contextHash: hash };
        }
        report.log(
          `Tagged ${manifest.digest} as ${request.image} in the registry (${current ? `it pointed at ${current}` : "a new tag"}): the same manifest, no layer moved.`,
        );
      }
      report.log(
        `Reused image ${repository}@${manifest.digest}, built from the same source (context ${hash.slice(0, 12)}, tag ${contextTag(hash)}): no docker build, no push.`,
      );
      return { reused: true, digest: manifest.digest, contextHash: hash };
    };
    return { found: true, digest: manifest.digest, contextHash: hash, claim };
  } catch (error) {
    if (access.signal?.aborted)
      throw new WaitInterrupted(`asking ${name.host} for the image`, access.signal.reason);
    request.warn(
      `Could not ask ${name.host} for an image built from the same source (${reasonOf(error)}): building and pushing it.`,
    );
    return { found: false, contextHash: hash };
  }
}

/** A registry session for one exchange, bounded by CHECK_TIMEOUT_MS and the step's signal. */
function checkSession(request: ReuseRequest): RegistrySession {
  const { access } = request;
  const signal = AbortSignal.any([
    AbortSignal.timeout(CHECK_TIMEOUT_MS),
    ...(access.signal ? [access.signal] : []),
  ]);
  return new RegistrySession(splitReference(request.image), { ...access, signal });
}

function withHash(hash: string | undefined): { contextHash?: string } {
  return hash ? { contextHash: hash } : {};
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
