import { UserError } from "../../errors.ts";

/**
 * The OCIR login name: `<namespace>/<username>`, or `<namespace>/<identity domain>/<username>` for users
 * of a non-default identity domain or IDCS-federated users (`oracleidentitycloudservice`). A username
 * that already carries the namespace is taken as it is.
 */
export function ocirUsername(
  namespace: string,
  username: string,
  identityDomain: string | undefined,
): string {
  const user = username.trim();
  const domain = identityDomain?.trim().replace(/^\/+|\/+$/g, "");
  if (user === "")
    throw new UserError(
      "username is required: the OCI user name (often an email address) that owns auth-token.",
    );
  if (user.startsWith(`${namespace}/`)) {
    if (domain && !user.startsWith(`${namespace}/${domain}/`)) {
      throw new UserError(
        `username ${JSON.stringify(user)} already includes the namespace but not identity-domain ${domain}: give the bare user name, or leave identity-domain empty.`,
      );
    }
    return user;
  }
  if (user.includes("/") && !domain) {
    throw new UserError(
      `username ${JSON.stringify(user)} contains "/" but does not start with the tenancy namespace ${namespace}: give the bare user name and set identity-domain if the user is federated.`,
    );
  }
  return domain ? `${namespace}/${domain}/${user}` : `${namespace}/${user}`;
}

const NAMESPACE = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function checkNamespace(value: string): string {
  const namespace = value.trim();
  if (!NAMESPACE.test(namespace)) {
    throw new UserError(
      `namespace ${JSON.stringify(namespace)} is not an Object Storage namespace (lower-case letters and digits, as the console shows under Tenancy details).`,
    );
  }
  return namespace;
}

const REGISTRY_HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/i;

export function checkRegistryHost(value: string): string {
  const host = value.trim().replace(/\/+$/, "");
  if (/^[a-z]+:\/\//i.test(host) || !REGISTRY_HOST.test(host)) {
    throw new UserError(
      `registry ${JSON.stringify(host)} must be a registry host such as ocir.ap-tokyo-1.oci.oraclecloud.com (no scheme, no path).`,
    );
  }
  return host.toLowerCase();
}
