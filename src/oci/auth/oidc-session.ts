import { UserError } from "../../errors.ts";
import { generateSessionKey, type SessionKey } from "./session-key.ts";
import { exchangeForUpst, type Upst } from "./upst-exchange.ts";

export interface OidcSessionRequest {
  identityDomainUrl: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  /** The runner's GitHub OIDC token for `audience` (the adapter's core.getIDToken). */
  githubIdToken(audience: string): Promise<string>;
  /** Called with every new secret before it is used for anything else. */
  registerSecret(value: string): void;
  signal?: AbortSignal;
}

export interface OidcSession {
  key: SessionKey;
  upst: Upst;
}

/**
 * GitHub OIDC token → ephemeral key → UPST bound to that key. The GitHub token, the private key and
 * the UPST are each registered as secrets the moment they exist.
 */
export async function openOidcSession(request: OidcSessionRequest): Promise<OidcSession> {
  const githubToken = await request.githubIdToken(request.audience);
  request.registerSecret(githubToken);
  const key = generateSessionKey();
  request.registerSecret(key.privatePem);
  const upst = await exchangeForUpst({
    identityDomainUrl: request.identityDomainUrl,
    clientId: request.clientId,
    clientSecret: request.clientSecret,
    subjectToken: githubToken,
    publicKeyBase64: key.publicKeyBase64,
    audience: request.audience,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  request.registerSecret(upst.token);
  return { key, upst };
}

/** The identity domain URL as the token endpoint's base: https, no path, no trailing slash. */
export function checkIdentityDomainUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UserError(
      `identity-domain-url ${JSON.stringify(value)} is not a URL; expected https://idcs-<id>.identity.oraclecloud.com (Identity > Domains > Domain URL).`,
    );
  }
  if (url.protocol !== "https:") {
    throw new UserError(
      `identity-domain-url must use https:// (got ${url.protocol}//): the client secret and tokens only travel over TLS.`,
    );
  }
  if (url.pathname !== "/" && url.pathname !== "") {
    throw new UserError(
      `identity-domain-url is the domain's URL without a path (https://${url.host}); remove "${url.pathname}".`,
    );
  }
  return `${url.protocol}//${url.host}`;
}
