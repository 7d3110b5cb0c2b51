import { UserError } from "../errors.ts";
import type { RegistryLogin } from "./docker-credentials.ts";

/**
 * What a pushed image holds, as the registry serves it: one image manifest (with the platform its
 * config names), or an index of several (docker's manifest list or an OCI image index). BuildKit's
 * provenance and SBOM attestations are index entries annotated as attestation manifests under
 * platform unknown/unknown
 * (https://github.com/moby/buildkit/blob/master/docs/attestations/attestation-storage.md).
 *
 * Read with the Registry HTTP API directly rather than `docker manifest inspect`: docker CLIs before
 * 23 (Debian's docker.io 20.10) answer "no such manifest" for an OCI image index
 * (https://github.com/docker/buildx/issues/1509), which is exactly what buildx pushes, and every CLI
 * rewrites an OCI index as a manifest list without its annotations.
 */
export interface ImagePlatforms {
  kind: "image" | "index";
  /** The manifest's own media type. */
  mediaType: string;
  platforms: { os: string; architecture: string }[];
  /** Index entries that are attestations, not images. */
  attestations: number;
}

export const IMAGE_MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
];
const INDEX_TYPES = [
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
];
const ACCEPT = [...INDEX_TYPES, ...IMAGE_MANIFEST_TYPES].join(", ");
// Manifests and configs are a few KB; anything this big is not one.
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

export interface ReadOptions {
  /** The login docker stored for a host (see docker-credentials.ts). */
  login(host: string): Promise<RegistryLogin | undefined>;
  registerSecret(value: string): void;
  signal?: AbortSignal;
}

interface IndexEntry {
  mediaType?: string;
  platform?: { os?: string; architecture?: string };
  annotations?: Record<string, string>;
}

/** The platforms of `reference` (HOST/PATH@sha256:… or HOST/PATH:TAG) as its registry serves them. */
export async function readImagePlatforms(reference: string, options: ReadOptions): Promise<ImagePlatforms> {
  const image = splitReference(reference);
  const registry = new RegistrySession(image, options);
  try {
    const manifest = await registry.json(`/v2/${image.repository}/manifests/${image.reference}`, ACCEPT);
    const body = manifest.body as {
      mediaType?: string;
      manifests?: IndexEntry[];
      config?: { digest?: string };
    };
    const mediaType = manifest.mediaType || body.mediaType || "";
    if (INDEX_TYPES.includes(mediaType) || Array.isArray(body.manifests)) {
      const entries = body.manifests ?? [];
      const attestation = (entry: IndexEntry) =>
        entry.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" ||
        (entry.platform?.os === "unknown" && entry.platform?.architecture === "unknown");
      return {
        kind: "index",
        mediaType,
        platforms: entries
          .filter((entry) => !attestation(entry))
          .map((entry) => ({
            os: entry.platform?.os ?? "",
            architecture: entry.platform?.architecture ?? "",
          })),
        attestations: entries.filter(attestation).length,
      };
    }
    if (!IMAGE_MANIFEST_TYPES.includes(mediaType) || !body.config?.digest) {
      return { kind: "image", mediaType, platforms: [], attestations: 0 };
    }
    const config = await registry.json(`/v2/${image.repository}/blobs/${body.config.digest}`, "*/*");
    const platform = config.body as { os?: string; architecture?: string };
    return {
      kind: "image",
      mediaType,
      platforms: [{ os: platform.os ?? "", architecture: platform.architecture ?? "" }],
      attestations: 0,
    };
  } catch (error) {
    if (error instanceof UserError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(
      `cannot read ${reference}'s manifest from ${image.host} (${reason}): fngate reads it to check the image fits the function's shape; the registry login must allow pulls.`,
    );
  }
}

/** 127.0.0.0/8, ::1 or localhost: what dockerd treats as an insecure (plain HTTP) registry by default. */
export function isLoopbackRegistry(reference: string): boolean {
  const host = (reference.split("/")[0] ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

interface ImageName {
  /** As docker names the registry in config.json. */
  host: string;
  /** Where its API answers. */
  baseUrl: string;
  repository: string;
  reference: string;
}

function splitReference(reference: string): ImageName {
  const at = reference.indexOf("@");
  let name = at < 0 ? reference : reference.slice(0, at);
  let tagOrDigest = at < 0 ? "latest" : reference.slice(at + 1);
  const colon = name.lastIndexOf(":");
  if (at < 0 && colon > name.lastIndexOf("/")) {
    tagOrDigest = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const [first = "", ...rest] = name.split("/");
  const explicitHost =
    rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const dockerHub = !explicitHost || first === "docker.io" || first === "index.docker.io";
  if (dockerHub) {
    // Docker Hub: docker logs in as index.docker.io, its API is registry-1.docker.io.
    const parts = explicitHost ? rest : [first, ...rest];
    const path = parts.length === 1 ? `library/${parts[0]}` : parts.join("/");
    return {
      host: "index.docker.io",
      baseUrl: "https://registry-1.docker.io",
      repository: path,
      reference: tagOrDigest,
    };
  }
  const scheme = isLoopbackRegistry(name) ? "http" : "https";
  return { host: first, baseUrl: `${scheme}://${first}`, repository: rest.join("/"), reference: tagOrDigest };
}

/** GETs with the registry's own challenge answered once: Basic with docker's login, or a Bearer token. */
class RegistrySession {
  readonly #image: ImageName;
  readonly #options: ReadOptions;
  #authorization: string | undefined;

  constructor(image: ImageName, options: ReadOptions) {
    this.#image = image;
    this.#options = options;
  }

  async json(path: string, accept: string): Promise<{ mediaType: string; body: unknown }> {
    const send = () =>
      fetch(`${this.#image.baseUrl}${path}`, {
        headers: { accept, ...(this.#authorization ? { authorization: this.#authorization } : {}) },
        ...(this.#options.signal ? { signal: this.#options.signal } : {}),
      });
    let response = await send();
    if (response.status === 401 && this.#authorization === undefined) {
      const challenge = response.headers.get("www-authenticate") ?? "";
      await response.body?.cancel();
      this.#authorization = await this.#answer(challenge);
      response = await send();
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} for ${path.split("/").pop()}`);
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > MAX_DOCUMENT_BYTES) throw new Error(`${bytes.length} bytes is not a manifest`);
    return {
      mediaType: (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "",
      body: JSON.parse(bytes.toString("utf8")) as unknown,
    };
  }

  async #answer(challenge: string): Promise<string> {
    const login = await this.#options.login(this.#image.host);
    if (login) this.#options.registerSecret(login.password);
    const basic = login
      ? `Basic ${Buffer.from(`${login.username}:${login.password}`).toString("base64")}`
      : undefined;
    if (/^Basic\b/i.test(challenge)) {
      if (!basic) throw new Error(`no docker login for ${this.#image.host}`);
      return basic;
    }
    const bearer = /^Bearer\s+(.*)$/i.exec(challenge)?.[1];
    if (!bearer)
      throw new Error(`unsupported authentication challenge ${JSON.stringify(challenge.slice(0, 60))}`);
    const params = new Map(
      [...bearer.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1] ?? "", match[2] ?? ""]),
    );
    const realm = params.get("realm");
    if (!realm) throw new Error("Bearer challenge without a realm");
    const url = new URL(realm);
    url.searchParams.set("service", params.get("service") ?? "");
    url.searchParams.set("scope", params.get("scope") ?? `repository:${this.#image.repository}:pull`);
    const response = await fetch(url, {
      headers: basic ? { authorization: basic } : {},
      ...(this.#options.signal ? { signal: this.#options.signal } : {}),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`token service answered HTTP ${response.status}`);
    }
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error("token service sent no token");
    this.#options.registerSecret(token);
    return `Bearer ${token}`;
  }
}
