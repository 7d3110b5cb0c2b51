// A small Docker Registry HTTP API v2 client with real authentication: it answers the registry's
// 401 challenge, Basic (distribution with htpasswd) or Bearer (a token service, as OCIR uses),
// and keeps the resulting Authorization per scope. The OCI emulator asks it whether an image
// exists; tests push images with it.

export type RegistryCredentials =
  | {
      /** Base URL, e.g. http://127.0.0.1:5055 */
      url: string;
      username: string;
      password: string;
    }
  | {
      url: string;
      /** The token realm itself (the OCI emulator) mints a registry token for `scope` and `service`. */
      mintToken(scope: string, service: string): string;
    };

export interface RegistryRequest {
  headers?: Record<string, string>;
  body?: Buffer;
}

// Every manifest kind a function image may be stored as; without them a v2.8 registry answers a
// HEAD for a schema 2 manifest as if it had to convert it to schema 1.
export const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
];

const MANIFEST_ACCEPT = { accept: MANIFEST_TYPES.join(", ") };

export class RegistryClient {
  readonly url: string;
  readonly #basic: string | undefined;
  readonly #mint: ((scope: string, service: string) => string) | undefined;
  readonly #authorizations = new Map<string, string>();

  constructor(credentials: RegistryCredentials) {
    this.url = credentials.url.replace(/\/+$/, "");
    if ("mintToken" in credentials) {
      this.#basic = undefined;
      this.#mint = credentials.mintToken;
    } else {
      this.#basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
      this.#mint = undefined;
    }
  }

  /** `path` starts with /v2/ or is an absolute URL (upload Locations); `scope` keys the Bearer token. */
  async request(method: string, path: string, request: RegistryRequest = {}, scope = ""): Promise<Response> {
    const url = path.startsWith("http") ? path : `${this.url}${path}`;
    const send = (authorization: string | undefined) =>
      fetch(url, {
        method,
        headers: { ...request.headers, ...(authorization ? { authorization } : {}) },
        ...(request.body ? { body: request.body } : {}),
        redirect: "follow",
      });
    const cached = this.#authorizations.get(scope) ?? this.#authorizations.get("");
    const first = await send(cached);
    if (first.status !== 401) return first;
    const challenge = first.headers.get("www-authenticate") ?? "";
    await first.body?.cancel();
    const authorization = await this.#answer(challenge);
    const second = await send(authorization);
    if (second.status !== 401)
      this.#authorizations.set(challenge.startsWith("Basic") ? "" : scope, authorization);
    return second;
  }

  /** The manifest digest for `repository:reference`, undefined when the registry does not have it. */
  async manifestDigest(repository: string, reference: string): Promise<string | undefined> {
    const response = await this.#read("HEAD", repository, `manifests ${reference}`, MANIFEST_ACCEPT);
    return response?.headers.get("docker-content-digest") ?? undefined;
  }

  /** The manifest `repository:reference` as stored (media type and bytes), undefined when absent. */
  async manifest(
    repository: string,
    reference: string,
  ): Promise<{ mediaType: string; digest: string | undefined; body: Buffer } | undefined> {
    const response = await this.#read("GET", repository, `manifests ${reference}`, MANIFEST_ACCEPT);
    if (!response) return undefined;
    const body = Buffer.from(await response.arrayBuffer());
    return {
      mediaType: (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "",
      digest: response.headers.get("docker-content-digest") ?? undefined,
      body,
    };
  }

  /** A blob (an image config) of `repository`, undefined when absent. */
  async blob(repository: string, digest: string): Promise<Buffer | undefined> {
    const response = await this.#read("GET", repository, `blobs ${digest}`);
    return response && Buffer.from(await response.arrayBuffer());
  }

  /** `object` is "manifests <reference>" or "blobs <digest>": undefined on 404, else the answer or an Error. */
  async #read(
    method: "GET" | "HEAD",
    repository: string,
    object: string,
    headers: Record<string, string> = {},
  ): Promise<Response | undefined> {
    const [kind, reference] = object.split(" ");
    const response = await this.request(
      method,
      `/v2/${repository}/${kind}/${reference}`,
      { headers },
      `repository:${repository}:pull`,
    );
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    const named =
      kind === "blobs" ? `blob ${repository}@${reference}` : `manifest ${repository}:${reference}`;
    if (!response.ok) throw new Error(`registry ${method} ${named}: HTTP ${response.status}`);
    return response;
  }

  async #answer(challenge: string): Promise<string> {
    if (/^Basic\b/i.test(challenge)) {
      if (!this.#basic)
        throw new Error("registry wants Basic credentials, and this client only mints tokens");
      return this.#basic;
    }
    const bearer = /^Bearer\s+(.*)$/i.exec(challenge);
    if (!bearer?.[1]) throw new Error(`registry sent an unsupported challenge: ${challenge || "(none)"}`);
    const params = new Map<string, string>();
    for (const match of bearer[1].matchAll(/([A-Za-z]+)="([^"]*)"/g))
      params.set(match[1] ?? "", match[2] ?? "");
    const realm = params.get("realm");
    if (!realm) throw new Error("registry Bearer challenge has no realm");
    if (this.#mint) return `Bearer ${this.#mint(params.get("scope") ?? "", params.get("service") ?? "")}`;
    if (!this.#basic) throw new Error("registry client has no credentials");
    const tokenUrl = new URL(realm);
    for (const name of ["service", "scope"]) {
      const value = params.get(name);
      if (value) tokenUrl.searchParams.set(name, value);
    }
    const response = await fetch(tokenUrl, { headers: { authorization: this.#basic } });
    if (!response.ok) throw new Error(`registry token service answered HTTP ${response.status}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error("registry token service returned no token");
    return `Bearer ${token}`;
  }
}
