// One jose remote JWKS per (uri, cache duration), shared by every deployment that names it, the
// way a gateway node caches a JWKS for maxCacheDurationInHours. jose fetches it with Node's fetch
// and default CA list, so the issuer's certificate is verified (tests add the test CA to that
// list). A key id the cached set lacks triggers one refetch (after jose's 30 s cooldown), which
// is how key rotation reaches a gateway before the cache expires. OCI's limits on the set, its keys
// and the token header apply (jwks-rules.ts).
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { checkTokenHeader, jwksFetchOption } from "./jwks-rules.ts";

const HOUR_MS = 3_600_000;
// OCI gives up on a slow JWKS endpoint; a hanging test server must not hang the request.
const FETCH_TIMEOUT_MS = 5_000;

export class JwksCache {
  readonly #sets = new Map<string, JWTVerifyGetKey>();

  get(uri: string, maxCacheDurationInHours: number): JWTVerifyGetKey {
    const key = `${maxCacheDurationInHours} ${uri}`;
    let set = this.#sets.get(key);
    if (!set) {
      const remote = createRemoteJWKSet(new URL(uri), {
        cacheMaxAge: maxCacheDurationInHours * HOUR_MS,
        timeoutDuration: FETCH_TIMEOUT_MS,
        ...jwksFetchOption,
      });
      set = (header, token) => {
        checkTokenHeader(header);
        return remote(header, token);
      };
      this.#sets.set(key, set);
    }
    return set;
  }

  /** Forgets every cached set, as a restarted gateway would. */
  clear(): void {
    this.#sets.clear();
  }
}
