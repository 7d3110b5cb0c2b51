// STS (RPC style: POST / with Action, Version and the parameters in the query or a form body).
// AssumeRoleWithOIDC is anonymous: the OIDC token is the proof. It is verified against the provider's
// issuer (discovery + JWKS over HTTPS, jose), its audience must be a client ID of the provider, and
// the role's trust policy must name the provider and the token's subject. assumeRoleForService is
// how FC itself assumes a function's role: only a role trusting that service may be assumed.

import { createRemoteJWKSet, customFetch, decodeJwt, errors as joseErrors, jwtVerify } from "jose";
import { caFetch } from "../entra/ca-fetch.ts";
import type { Json } from "../json.ts";
import { AcsError, acs } from "./errors.ts";
import type { AlibabaState, Principal, Role, StsCredential } from "./state.ts";

const FC_SERVICE = "fc.aliyuncs.com";
/** Function Compute's documented lifetime of a function role's token. */
const FC_TOKEN_SECONDS = 36 * 3600;

export class StsService {
  readonly #state: AlibabaState;
  readonly #fetch: ReturnType<typeof caFetch>;
  readonly #jwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(state: AlibabaState, caPem: string) {
    this.#state = state;
    this.#fetch = caFetch(caPem);
  }

  /**
   * Handles an STS RPC call; `params` merges the query and the form body. Anonymous calls name the
   * action in the query; V3-signed calls in x-acs-action / x-acs-version (passed as action/version).
   * `caller` is the verified signer of a signed call.
   */
  async handle(
    params: URLSearchParams,
    call: { action: string | undefined; version: string | undefined; caller?: Principal },
    now: Date,
  ): Promise<Json> {
    if (call.version !== "2015-04-01")
      throw new AcsError(400, "InvalidVersion", `Specified parameter Version is not valid: ${call.version}`);
    if (call.action === "AssumeRoleWithOIDC") return this.#assumeRoleWithOidc(params, now);
    if (call.action === "AssumeRole" && call.caller) return this.#assumeRole(params, call.caller, now);
    if (call.action === "GetCallerIdentity") return this.#callerIdentity(call.caller);
    throw acs.actionNotFound(call.action);
  }

  /** A RAM identity assuming a role whose trust policy names it (Principal.RAM). */
  #assumeRole(params: URLSearchParams, caller: Principal, now: Date): Json {
    const roleArn = params.get("RoleArn");
    const sessionName = params.get("RoleSessionName");
    if (!roleArn || !sessionName)
      throw new AcsError(
        400,
        "MissingParameter",
        "RoleArn and RoleSessionName are mandatory for this action.",
      );
    const role = this.#role(roleArn);
    if (!role.trust.principals?.includes(caller.name)) throw acs.noPermission();
    const duration = Number(params.get("DurationSeconds") ?? "3600");
    const credential = this.#state.issueStsCredential(role.arn, sessionName, duration, now);
    return this.#credentialsAnswer(role, sessionName, credential);
  }

  /**
   * Who signed the call (https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-getcalleridentity):
   * no parameters and no RAM authorization needed, but the call must be signed, so it proves the
   * credentials and the region's STS endpoint. A RAM user answers IdentityType RAMUser with its UserId;
   * an assumed role AssumedRoleUser with its RoleId and the assumed-role ARN.
   */
  #callerIdentity(caller: Principal | undefined): Json {
    if (!caller) throw new AcsError(400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action.");
    const accountId = this.#state.accountId;
    const base = {
      RequestId: this.#state.requestId(),
      AccountId: accountId,
      PrincipalId: numericId(caller.name),
    };
    if (caller.name.startsWith("user/"))
      return {
        ...base,
        IdentityType: "RAMUser",
        UserId: numericId(caller.name),
        Arn: `acs:ram::${accountId}:${caller.name}`,
      };
    const role = this.#role(caller.name);
    return {
      ...base,
      IdentityType: "AssumedRoleUser",
      RoleId: numericId(role.arn),
      Arn: `acs:ram::${accountId}:assumed-role/${role.name}/${caller.sessionName ?? "session"}`,
    };
  }

  /** FC assuming a function's role for an invocation; refused unless the role trusts FC. */
  assumeRoleForService(roleArn: string, functionName: string, now: Date): StsCredential {
    const role = this.#role(roleArn);
    if (!role.trust.services.includes(FC_SERVICE)) throw notTrustedByFc(roleArn);
    return this.#state.issueStsCredential(role.arn, `fc-${functionName}`.slice(0, 64), FC_TOKEN_SECONDS, now);
  }

  /** What CreateFunction/UpdateFunction check before attaching a role. */
  checkRoleForFc(roleArn: string): Role {
    const role = this.#role(roleArn);
    if (!role.trust.services.includes(FC_SERVICE)) throw notTrustedByFc(roleArn);
    return role;
  }

  async #assumeRoleWithOidc(params: URLSearchParams, now: Date): Promise<Json> {
    const required = (name: string) => {
      const value = params.get(name);
      if (!value) throw new AcsError(400, `Missing${name}`, `${name} is mandatory for this action.`);
      return value;
    };
    const providerArn = required("OIDCProviderArn");
    const roleArn = required("RoleArn");
    const token = required("OIDCToken");
    this.#state.oidcTokensSeen.push(token);
    const sessionName = required("RoleSessionName");
    const duration = Number(params.get("DurationSeconds") ?? "3600");
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200)
      throw new AcsError(
        400,
        "InvalidParameter.DurationSeconds",
        "DurationSeconds must be from 900 to 43200.",
      );
    const provider = this.#state.oidcProviders.get(providerArn);
    if (!provider)
      throw new AcsError(
        404,
        "EntityNotExist.OIDCProvider",
        `The specified OIDC provider ${providerArn} does not exist.`,
      );
    const role = this.#role(roleArn);

    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(token);
    } catch {
      throw acs.oidcTokenInvalid("The OIDC token is malformed.");
    }
    if (claims.iss !== provider.issuerUrl)
      throw acs.oidcTokenInvalid(
        `The issuer of the OIDC token (${claims.iss}) is not the provider's issuer URL.`,
      );
    try {
      await jwtVerify(token, this.#jwksFor(provider.issuerUrl), {
        issuer: provider.issuerUrl,
        algorithms: ["RS256"],
        requiredClaims: ["sub", "aud", "exp", "iat"],
        currentDate: now,
      });
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw new AcsError(400, "AuthenticationFail.OIDCToken.Expired", "The OIDC token has expired.");
      throw acs.oidcTokenInvalid(`The OIDC token failed verification: ${(error as Error).message}`);
    }
    const audiences = typeof claims.aud === "string" ? [claims.aud] : (claims.aud ?? []);
    if (!audiences.some((audience) => provider.clientIds.includes(audience)))
      throw new AcsError(
        400,
        "AuthenticationFail.OIDCToken.AudienceMismatch",
        `The audience ${audiences.join(",")} is not a client ID of the OIDC provider.`,
      );
    const trust = role.trust.oidc;
    if (!trust || trust.providerArn !== providerArn || !trust.subjects.includes(String(claims.sub))) {
      throw acs.noPermission();
    }
    const credential = this.#state.issueStsCredential(role.arn, sessionName, duration, now);
    return {
      ...this.#credentialsAnswer(role, sessionName, credential),
      OIDCTokenInfo: { Subject: claims.sub, Issuer: claims.iss, ClientIds: audiences.join(",") },
    };
  }

  #credentialsAnswer(role: Role, sessionName: string, credential: StsCredential): Json {
    return {
      RequestId: this.#state.requestId(),
      Credentials: {
        AccessKeyId: credential.accessKeyId,
        AccessKeySecret: credential.accessKeySecret,
        SecurityToken: credential.securityToken,
        Expiration: credential.expiration.toISOString().replace(/\.\d{3}Z$/, "Z"),
      },
      AssumedRoleUser: {
        Arn: `acs:ram::${this.#state.accountId}:assumed-role/${role.name}/${sessionName}`,
        AssumedRoleId: `3${Math.floor(Math.random() * 1e16)}:${sessionName}`,
      },
    };
  }

  #role(roleArn: string): Role {
    const role = this.#state.roles.get(roleArn.toLowerCase().replace(/^acs:ram::/, "acs:ram::"));
    if (!role) throw new AcsError(404, "EntityNotExist.Role", `The role ${roleArn} does not exist.`);
    return role;
  }

  #jwksFor(issuer: string): ReturnType<typeof createRemoteJWKSet> {
    let jwks = this.#jwks.get(issuer);
    if (!jwks) {
      // GitHub's issuer publishes its keys at /.well-known/jwks (named in its openid-configuration).
      jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks`), { [customFetch]: this.#fetch });
      this.#jwks.set(issuer, jwks);
    }
    return jwks;
  }
}

/** A stable 17-digit ID for a principal, as RAM shows user and role IDs. */
function numericId(name: string): string {
  let hash = 0n;
  for (const char of name) hash = (hash * 131n + BigInt(char.charCodeAt(0))) % 10n ** 17n;
  return String(hash).padStart(17, "2");
}

function notTrustedByFc(roleArn: string): AcsError {
  return new AcsError(
    400,
    "InvalidArgument",
    `FC can not assume role ${roleArn}: the role's trust policy does not allow service ${FC_SERVICE} (NoPermission).`,
  );
}
