// One jose remote JWKS per (uri, cache duration), shared by every deployment that names it, the
// way a gateway node caches a JWKS for maxCacheDurationInHours. jose fetches it with Node's fetch
// and default CA list, so the issuer's certificate is verified (tests add the test CA to that
// list). A key id the cached set lacks triggers one refetch (after jose's 30 s cooldown), which
// is how key rotation reaches a gateway before the cache expires.
import { createRemoteJWKSet } from "jose";

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

const HOUR_MS = 3_600_000;
// OCI gives up on a slow JWKS endpoint; a hanging test server must not hang the request.
const FETCH_TIMEOUT_MS = 5_000;

export class JwksCache {
  readonly #sets = new Map<string, RemoteJwks>();

  get(uri: string, maxCacheDurationInHours: number): RemoteJwks {
    const key = `${maxCacheDurationInHours} ${uri}`;
    let set = this.#sets.get(key);
    if (!set) {
      set = createRemoteJWKSet(new URL(uri), {
        cacheMaxAge: maxCacheDurationInHours * HOUR_MS,
        timeoutDuration: FETCH_TIMEOUT_MS,
      });
      this.#sets.set(key, set);
    }
    return set;
  }

  /** Forgets every cached set, as a restarted gateway would. */
  clear(): void {
    this.#sets.clear();
  }
}
