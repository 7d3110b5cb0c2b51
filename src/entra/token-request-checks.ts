import { UserError } from "../errors.ts";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const HOST = /^[a-z0-9.-]+(:\d{1,5})?$/i;

/**
 * A tenant for the client credentials flow: its GUID or a verified domain name. The multi-tenant aliases
 * (common, organizations, consumers) are refused because app-only tokens are always issued by one tenant.
 */
export function checkTenantId(value: string): string {
  const tenant = value.trim();
  if (["common", "organizations", "consumers"].includes(tenant.toLowerCase())) {
    throw new UserError(
      `tenant-id ${tenant} cannot issue app-only tokens: set the directory (tenant) ID GUID or a verified domain such as contoso.onmicrosoft.com.`,
    );
  }
  if (GUID.test(tenant)) return tenant.toLowerCase();
  if (DOMAIN.test(tenant)) return tenant.toLowerCase();
  throw new UserError(
    `tenant-id ${JSON.stringify(tenant.slice(0, 60))} is neither a GUID nor a domain name: copy the Directory (tenant) ID from the app registration's Overview page.`,
  );
}

export function checkClientId(value: string): string {
  const clientId = value.trim();
  if (GUID.test(clientId)) return clientId.toLowerCase();
  throw new UserError(
    `client-id ${JSON.stringify(clientId.slice(0, 60))} is not a GUID: copy the Application (client) ID from the app registration's Overview page.`,
  );
}

/** Client credentials can only ask for all of an API's granted app roles at once: `<resource>/.default`. */
export function checkScope(value: string): string {
  const scope = value.trim();
  if (/\s/.test(scope)) {
    throw new UserError(
      `scope must be one value, <Application ID URI of the API app>/.default; got ${JSON.stringify(scope.slice(0, 80))}.`,
    );
  }
  if (!scope.endsWith("/.default") || scope === "/.default") {
    const base = scope.replace(/\/[^/]*$/, "");
    const suggestion = /^(api|https?):\/\//.test(scope) ? ` (e.g. ${base || scope}/.default)` : "";
    throw new UserError(
      `scope ${JSON.stringify(scope.slice(0, 80))} must end in /.default: client credentials get the app roles granted on the API app, so use <Application ID URI>/.default${suggestion}.`,
    );
  }
  return scope;
}

/** A host[:port] with no scheme or path, as MSAL's knownAuthorities wants it. */
export function checkAuthorityHost(value: string): string {
  const host = value
    .trim()
    .replace(/^https:\/\//i, "")
    .replace(/\/+$/, "");
  if (!HOST.test(host)) {
    throw new UserError(
      `authority-host ${JSON.stringify(value.slice(0, 80))} must be a host name such as login.microsoftonline.com or login.microsoftonline.us (no path).`,
    );
  }
  return host.toLowerCase();
}
