import { UserError } from "../../errors.ts";

// The wire format of OCI's OAuth 2.0 client credentials, as "Managing User Credentials > Getting an
// OAuth 2.0 Access Token" shows it (seed 003;
// https://docs.oracle.com/en-us/iaas/Content/Identity/Tasks/managingcredentials.htm, and the identity
// domain version https://docs.oracle.com/en-us/iaas/Content/Identity/access/working-with-oauth-20-client-credentials.htm):
//   curl ... https://auth.<region>.oraclecloud.com/oauth2/token \
//     -d 'grant_type=client_credentials&scope=<audience>-<scope>'
// e.g. scope=https://2aexampley3uytc.analytics.ocp.oraclecloud.com-urn:opc:resource:consumer::all.
// The fully qualified scope is the audience and the scope joined by a hyphen, and a token for several
// scopes adds each further one as another `&scope=<audience>-<scope>` argument.

// OCI allows at most 10 scopes per OAuth 2.0 client credential (seed 003).
export const MAX_SCOPES = 10;

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
// `<audience><scope>` written without the hyphen: a URL running straight into `urn:`.
const JOINED_WITHOUT_HYPHEN = /^([a-z][a-z0-9+.-]*:\/\/\S*?[^-])(urn:\S*)$/i;

/**
 * The fully qualified scopes to request: a scope already qualified (an audience URL, a hyphen, the
 * scope) passes as is; a short scope (urn:opc:resource:consumer::all) is qualified with `audience`.
 */
export function fullyQualifiedScopes(scopes: readonly string[], audienceInput?: string): string[] {
  if (scopes.length === 0) {
    throw new UserError(
      "scope is required: one or more scopes, fully qualified (<audience>-<scope>, e.g. https://x.analytics.ocp.oraclecloud.com-urn:opc:resource:consumer::all) or short with audience set, separated by spaces or new lines.",
    );
  }
  if (scopes.length > MAX_SCOPES) {
    throw new UserError(
      `scope lists ${scopes.length} scopes; an OAuth 2.0 credential has at most ${MAX_SCOPES}.`,
    );
  }
  const audience = checkAudience(audienceInput);
  return scopes.map((scope) => qualify(scope, audience));
}

function checkAudience(value: string | undefined): string | undefined {
  const audience = value?.trim();
  if (!audience) return undefined;
  if (!HAS_SCHEME.test(audience) || /\s/.test(audience)) {
    throw new UserError(
      `audience ${JSON.stringify(audience.slice(0, 80))} is not an audience: use the credential's audience URL as its details page shows it, e.g. https://x.analytics.ocp.oraclecloud.com.`,
    );
  }
  // The hyphen is the separator; an audience given with it would be joined twice.
  return audience.replace(/-+$/, "");
}

function qualify(scope: string, audience: string | undefined): string {
  if (audience && scope.startsWith(`${audience}-`)) return scope;
  const joined = JOINED_WITHOUT_HYPHEN.exec(scope);
  if (joined) {
    throw new UserError(
      `scope ${scope} joins the audience and the scope without the hyphen OCI expects: write ${joined[1]}-${joined[2]}${audience ? `, or just ${joined[2]} with audience set` : ""}.`,
    );
  }
  if (HAS_SCHEME.test(scope)) return scope;
  if (audience) return `${audience}-${scope}`;
  throw new UserError(
    `scope ${scope} is not fully qualified: set audience to the credential's audience (e.g. https://x.analytics.ocp.oraclecloud.com), or write the scope as <audience>-${scope}.`,
  );
}

/** The form OCI's /oauth2/token takes: one `scope` parameter per fully qualified scope. */
export function clientCredentialsForm(scopes: readonly string[]): [string, string][] {
  return [["grant_type", "client_credentials"], ...scopes.map((scope): [string, string] => ["scope", scope])];
}
