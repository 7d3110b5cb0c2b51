// OCIR's token service, as the emulator plays it: the endpoint that answers a signed
// GET /20180419/docker/token with a short-lived login token (docker logs in with it as BEARER_TOKEN;
// https://www.ateam-oracle.com/authentication-mechanisms-for-oci-container-registry-ocir), and the
// token realm a real `docker-registry` in token-auth mode sends clients to. As a realm it follows
// the distribution token specification (https://distribution.github.io/distribution/spec/auth/token):
// Basic credentials, `service` and `scope` in the query, an answer of {token, access_token,
// expires_in, issued_at}; the registry JWT it signs follows
// https://distribution.github.io/distribution/spec/auth/jwt (iss, sub, aud = service, exp, nbf, iat,
// jti, access), with the signing certificate in `x5c`, verified against the registry's
// rootcertbundle. Access is scoped to the tenancy namespace, as OCIR scopes a tenancy's credentials:
// a repository outside `<namespace>/` is granted nothing, and the registry then refuses the push.
import { createHmac, type KeyObject, randomBytes, randomUUID, sign, timingSafeEqual } from "node:crypto";
import type { Caller } from "./key-id.ts";
import type { OciState } from "./state.ts";

/** The registry the realm signs for: its service name (host) and the key whose certificate it trusts. */
export interface TokenRegistry {
  service: string;
  issuer: string;
  signingKey: KeyObject;
  /** The signing certificate, DER in base64: the JWT's x5c. */
  certificateDer: string;
}

/** Who a valid credential stands for. */
interface Principal {
  subject: string;
  tenancyId: string;
  namespace: string;
  /** The Functions service's own pulls: any repository, pull only. */
  service?: true;
}

export type RealmAnswer = { status: number; body: unknown; headers?: Record<string, string> };

export class RegistryTokenService {
  readonly #state: OciState;
  readonly #now: () => Date;
  readonly #secret = randomBytes(32);
  readonly #revoked = new Set<string>();
  readonly #users = new Map<string, { password: string; tenancyId: string }>();
  #registry: TokenRegistry | undefined;
  /** How long a login token lives; OCIR's last an hour (oracle-devrel/oke-credential-provider-for-ocir). */
  loginTokenLifetimeSeconds = 3600;
  registryTokenLifetimeSeconds = 300;
  /** Every login token issued, newest last: what tests scan for. */
  readonly issued: string[] = [];
  /** Every realm request answered (Basic user, scope, status), for tests that count renewals. */
  readonly realmLog: { username: string; scope: string; status: number }[] = [];

  constructor(state: OciState, now: () => Date) {
    this.#state = state;
    this.#now = now;
  }

  useRegistry(registry: TokenRegistry | undefined): void {
    this.#registry = registry;
  }

  /** An OCIR auth token login (`<namespace>/<user>` and the token), accepted by the realm too. */
  addAuthTokenUser(user: { username: string; password: string; tenancyId: string }): void {
    this.#users.set(user.username, { password: user.password, tenancyId: user.tenancyId });
  }

  /** Refuses every login token issued so far, as a revoked or rotated credential would be. */
  revokeIssued(): void {
    for (const token of this.issued) this.#revoked.add(token);
  }

  /** The answer to a signed GET: a login token for the caller's tenancy. */
  issueLoginToken(caller: Caller): RealmAnswer {
    const tenancy = this.#state.tenancies.get(caller.tenancyId);
    if (!tenancy) return refusal(401, "NotAuthenticated", "unknown tenancy");
    const iat = Math.floor(this.#now().getTime() / 1000);
    const claims = {
      sub: caller.principalId,
      tenant: tenancy.id,
      ns: tenancy.namespace,
      iat,
      exp: iat + this.loginTokenLifetimeSeconds,
      jti: randomUUID(),
    };
    const token = this.#hs256(claims);
    this.issued.push(token);
    return {
      status: 200,
      body: { token, access_token: token, scope: "", expires_in: this.loginTokenLifetimeSeconds },
      headers: { "cache-control": "no-store" },
    };
  }

  /** The realm: Basic credentials (BEARER_TOKEN + login token, or an auth token user) → a registry JWT. */
  realm(authorization: string, query: URLSearchParams): RealmAnswer {
    const basic = /^Basic\s+(\S+)$/i.exec(authorization);
    const decoded = Buffer.from(basic?.[1] ?? "", "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const username = colon < 0 ? "" : decoded.slice(0, colon);
    const scope = query.getAll("scope").join(" ");
    const answer = (result: RealmAnswer) => {
      this.realmLog.push({ username, scope, status: result.status });
      return result;
    };
    const registry = this.#registry;
    if (!registry) return answer(refusal(404, "NotFound", "no registry uses this token service"));
    if (query.get("service") !== registry.service) {
      return answer(refusal(400, "InvalidParameter", `service must be ${registry.service}`));
    }
    const principal = this.#principal(username, colon < 0 ? "" : decoded.slice(colon + 1));
    if (!principal) {
      return answer({
        ...refusal(401, "NotAuthenticated", "The registry credentials are not valid or have expired."),
        headers: { "www-authenticate": `Basic realm="${registry.service}"` },
      });
    }
    return answer(this.#registryToken(registry, principal, query.getAll("scope")));
  }

  /** The Functions service's pull credential, minted in process for the emulator's own registry client. */
  servicePullToken(scope: string, service: string): string {
    const registry = this.#registry;
    if (!registry || service !== registry.service)
      throw new Error(`no token registry for service ${service}`);
    const principal: Principal = {
      subject: "functions-service",
      tenancyId: "",
      namespace: "",
      service: true,
    };
    const answer = this.#registryToken(registry, principal, scope ? [scope] : []);
    return (answer.body as { token: string }).token;
  }

  #principal(username: string, password: string): Principal | undefined {
    if (username === "BEARER_TOKEN") return this.#checkLoginToken(password);
    const user = this.#users.get(username);
    if (!user || !safeEqual(user.password, password)) return undefined;
    const tenancy = this.#state.tenancies.get(user.tenancyId);
    return tenancy ? { subject: username, tenancyId: tenancy.id, namespace: tenancy.namespace } : undefined;
  }

  #checkLoginToken(token: string): Principal | undefined {
    const [header = "", payload = "", signature = ""] = token.split(".");
    const expected = createHmac("sha256", this.#secret).update(`${header}.${payload}`).digest("base64url");
    if (!safeEqual(signature, expected) || this.#revoked.has(token)) return undefined;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= this.#now().getTime()) return undefined;
    const tenancy = this.#state.tenancies.get(String(claims.tenant));
    if (!tenancy || tenancy.namespace !== claims.ns) return undefined;
    return { subject: String(claims.sub), tenancyId: tenancy.id, namespace: tenancy.namespace };
  }

  #registryToken(registry: TokenRegistry, principal: Principal, scopes: string[]): RealmAnswer {
    const access = scopes.flatMap((scope) => grantedAccess(scope, principal));
    const issuedAt = this.#now();
    const iat = Math.floor(issuedAt.getTime() / 1000);
    const claims = {
      iss: registry.issuer,
      sub: principal.subject,
      aud: registry.service,
      iat,
      nbf: iat,
      exp: iat + this.registryTokenLifetimeSeconds,
      jti: randomUUID(),
      access,
    };
    const header = encode({ typ: "JWT", alg: "ES256", x5c: [registry.certificateDer] });
    const body = `${header}.${encode(claims)}`;
    // ES256 signatures are r||s (IEEE P1363), as JWS requires.
    const signature = sign("sha256", Buffer.from(body), {
      key: registry.signingKey,
      dsaEncoding: "ieee-p1363",
    });
    const token = `${body}.${signature.toString("base64url")}`;
    return {
      status: 200,
      body: {
        token,
        access_token: token,
        expires_in: this.registryTokenLifetimeSeconds,
        issued_at: issuedAt.toISOString(),
      },
      headers: { "cache-control": "no-store" },
    };
  }

  #hs256(claims: Record<string, unknown>): string {
    const body = `${encode({ typ: "JWT", alg: "HS256" })}.${encode(claims)}`;
    return `${body}.${createHmac("sha256", this.#secret).update(body).digest("base64url")}`;
  }
}

/** `repository:<name>:<actions>` → what the principal may do there: nothing outside its namespace. */
function grantedAccess(
  scope: string,
  principal: Principal,
): { type: string; name: string; actions: string[] }[] {
  const match = /^repository:([^:]+):([a-z*,]+)$/.exec(scope);
  if (!match?.[1] || !match[2]) return [];
  const name = match[1];
  const wanted = match[2].split(",");
  const allowed = principal.service
    ? wanted.filter((action) => action === "pull")
    : name.startsWith(`${principal.namespace}/`)
      ? wanted.filter((action) => action === "pull" || action === "push")
      : [];
  return allowed.length > 0 ? [{ type: "repository", name, actions: allowed }] : [];
}

function refusal(status: number, code: string, message: string): RealmAnswer {
  return { status, body: { code, message } };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
