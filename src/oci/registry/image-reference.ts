import { UserError } from "../../errors.ts";

/**
 * Image names as docker and OCIR use them: <host>/<namespace>[/<path>]/<name>[:tag][@sha256:…].
 * Only what deploying needs is parsed: the name without tag or digest, and a pinned digest if any.
 */
export interface ImageReference {
  /** host/path, without tag or digest. */
  name: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]+)?$/;

export function parseImageReference(value: string, inputName: string): ImageReference {
  const trimmed = value.trim();
  const at = trimmed.indexOf("@");
  const digest = at >= 0 ? trimmed.slice(at + 1) : undefined;
  const withTag = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const slash = withTag.lastIndexOf("/");
  const colon = withTag.lastIndexOf(":");
  const tag = colon > slash ? withTag.slice(colon + 1) : undefined;
  const name = colon > slash ? withTag.slice(0, colon) : withTag;
  const [host, ...path] = name.split("/");
  const problem =
    digest !== undefined && !DIGEST.test(digest)
      ? "the digest must be sha256:<64 hex digits>"
      : tag !== undefined && !TAG.test(tag)
        ? `the tag ${JSON.stringify(tag)} is not a valid tag`
        : !host || !HOST.test(host) || path.length < 2
          ? "it needs a registry host, the tenancy namespace and a repository"
          : !path.every((part) => PATH_COMPONENT.test(part))
            ? "repository path components are lower-case letters, digits and . _ -"
            : undefined;
  if (problem) {
    throw new UserError(
      `${inputName} ${JSON.stringify(trimmed)} is not an image reference like <region>.ocir.io/<namespace>/<repository>:<tag> (${problem}).`,
    );
  }
  return { name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `registry` input: <host>/<namespace>[/<prefix>], checked and split. */
export interface RegistryPrefix {
  host: string;
  namespace: string;
  /** Path below the namespace ("" when none). */
  prefix: string;
}

export function parseRegistryPrefix(value: string, inputName: string): RegistryPrefix {
  const trimmed = value.trim().replace(/\/+$/, "");
  const [host, namespace, ...prefix] = trimmed.split("/");
  if (
    /^[a-z]+:\/\//i.test(trimmed) ||
    !host ||
    !HOST.test(host) ||
    !namespace ||
    ![namespace, ...prefix].every((part) => PATH_COMPONENT.test(part))
  ) {
    throw new UserError(
      `${inputName} ${JSON.stringify(trimmed)} must be <registry host>/<namespace>[/<prefix>] in lower case without a scheme, like ocir.ap-tokyo-1.oci.oraclecloud.com/mytenancy.`,
    );
  }
  return { host, namespace, prefix: prefix.join("/") };
}

/** `repository` input (or the function name): one or more lower-case path components. */
export function checkRepositoryName(value: string, inputName: string): string {
  const trimmed = value.trim().replace(/^\/+|\/+$/g, "");
  if (trimmed.length > 255 || !trimmed.split("/").every((part) => PATH_COMPONENT.test(part))) {
    throw new UserError(
      `${inputName} ${JSON.stringify(trimmed)} is not an OCIR repository name: lower-case letters and digits, with . _ - or / between them.`,
    );
  }
  return trimmed;
}

export function checkTag(value: string, inputName: string): string {
  if (!TAG.test(value)) {
    throw new UserError(
      `${inputName} ${JSON.stringify(value)} is not a docker tag: letters, digits, _ . - (at most 128, not starting with . or -).`,
    );
  }
  return value;
}

/**
 * `image` pinned by `digest`: <host>/<path>@sha256:…, without the tag (a tag can move, a digest
 * cannot). What a function ran before an update, as a user would deploy it again.
 */
export function pinnedReference(image: string, digest: string): string {
  const withoutDigest = image.split("@")[0] ?? image;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const name = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  return `${name}@${digest}`;
}
