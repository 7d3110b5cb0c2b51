import type { RegistryLogin } from "./docker-credentials.ts";

/**
 * A conversation with one repository of a registry over the Registry HTTP API
 * (https://distribution.github.io/distribution/spec/api/), with the login docker stored or one the
 * step holds: what fngate asks a registry directly, since the docker CLI cannot read an OCI index
 * before version 23 and has no command for "does this tag exist" that does not pull.
 */
export interface RegistryAccess {
  /** The login for a registry host: docker's stored one (docker-credentials.ts), or the deployer's token. */
  login(host: string): Promise<RegistryLogin | undefined>;
  registerSecret(value: string): void;
  signal?: AbortSignal;
}

export interface ImageName {
  /** As docker names the registry in config.json. */
  host: string;
  /** Where its API answers. */
  baseUrl: string;
  repository: string;
  /** The tag or digest; "latest" when the reference names neither. */
  reference: string;
}

/** 127.0.0.0/8, ::1 or localhost: what dockerd treats as an insecure (plain HTTP) registry by default. */
export function isLoopbackRegistry(reference: string): boolean {
  const host = (reference.split("/")[0] ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** HOST/PATH:TAG or HOST/PATH@sha256:… as docker reads it, with where the registry's API answers. */
export function splitReference(reference: string): ImageName {
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

export interface RegistryCall {
  method?: "GET" | "HEAD" | "PUT";
  accept?: string;
  contentType?: string;
  body?: Buffer;
}

/**
 * Requests to one repository, answering the registry's own challenge: Basic with the login, or a
 * Bearer token from the realm it names. The token is kept for the next request; a 401 that comes
 * although one was sent (a pull token meeting a PUT, whose challenge asks for push) is answered once
 * more with what that challenge asks.
 */
export class RegistrySession {
  readonly #image: Pick<ImageName, "host" | "baseUrl" | "repository">;
  readonly #access: RegistryAccess;
  #authorization: string | undefined;

  constructor(image: Pick<ImageName, "host" | "baseUrl" | "repository">, access: RegistryAccess) {
    this.#image = image;
    this.#access = access;
  }

  /** The registry's answer to `path` (under /v2/); the caller reads or cancels its body. */
  async send(path: string, call: RegistryCall = {}): Promise<Response> {
    const send = () =>
      fetch(`${this.#image.baseUrl}${path}`, {
        method: call.method ?? "GET",
        headers: {
          ...(call.accept ? { accept: call.accept } : {}),
          ...(call.contentType ? { "content-type": call.contentType } : {}),
          ...(this.#authorization ? { authorization: this.#authorization } : {}),
        },
        ...(call.body ? { body: call.body } : {}),
        ...(this.#access.signal ? { signal: this.#access.signal } : {}),
      });
    const response = await send();
    if (response.status !== 401) return response;
    const challenge = response.headers.get("www-authenticate") ?? "";
    await response.body?.cancel();
    this.#authorization = await this.#answer(challenge);
    return send();
  }

  /** GETs a small JSON document (a manifest or an image config); any answer but 2xx is an error. */
  async json(path: string, accept: string, maxBytes: number): Promise<{ mediaType: string; body: unknown }> {
    const response = await this.send(path, { accept });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} for ${path.split("/").pop()}`);
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw new Error(`${bytes.length} bytes is not a manifest`);
    return {
      mediaType: (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "",
      body: JSON.parse(bytes.toString("utf8")) as unknown,
    };
  }

  async #answer(challenge: string): Promise<string> {
    const login = await this.#access.login(this.#image.host);
    if (login) this.#access.registerSecret(login.password);
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
      ...(this.#access.signal ? { signal: this.#access.signal } : {}),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`token service answered HTTP ${response.status}`);
    }
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error("token service sent no token");
    this.#access.registerSecret(token);
    return `Bearer ${token}`;
  }
}
