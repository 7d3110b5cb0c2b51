// Docker image references as OCI Functions stores them: `phx.ocir.io/<ns>/<repo>:<tag>`,
// `ocir.<region>.oci.oraclecloud.com/<ns>/<repo>@sha256:<hex>`, or a loopback registry's
// `127.0.0.1:5000/<ns>/<repo>:<tag>`. The emulators serve every registry host from one real
// registry, so what matters is the repository path and the tag or digest.

export interface ImageReference {
  /** Registry host (with port), undefined for Docker Hub style names. */
  host: string | undefined;
  /** Path inside the registry, e.g. `axabcdefghij/fngate/hello`. */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Throws an Error naming what is wrong; callers turn it into their own 400. */
export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf("@");
  const digest = at < 0 ? undefined : image.slice(at + 1);
  if (digest !== undefined && !DIGEST.test(digest))
    throw new Error(`digest ${digest} is not sha256:<64 hex>`);
  let name = at < 0 ? image : image.slice(0, at);
  let tag: string | undefined;
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!TAG.test(tag)) throw new Error(`tag ${tag} is not a valid Docker tag`);
  }
  const parts = name.split("/");
  const first = parts[0] ?? "";
  const hasHost = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const host = hasHost ? first : undefined;
  const path = hasHost ? parts.slice(1) : parts;
  if (path.length === 0 || path.some((component) => !COMPONENT.test(component))) {
    throw new Error(`repository ${path.join("/")} is not lower-case letters, digits and separators`);
  }
  return { host, repository: path.join("/"), tag, digest };
}

/** What a registry is asked for: the digest when pinned, else the tag, else `latest`. */
export function manifestReference(image: ImageReference): string {
  return image.digest ?? image.tag ?? "latest";
}
