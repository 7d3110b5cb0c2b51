import { parseDocument } from "yaml";
import { UserError } from "../../errors.ts";

/**
 * The Fn CLI's configuration, in the form fnproject/cli reads it: ~/.fn/config.yaml names the current
 * context; ~/.fn/contexts/<name>.yaml holds provider, api-url, registry and the oracle.* keys.
 * Keys someone else set in an existing file are kept; ours are set; so re-running changes nothing.
 */
export interface FnContext {
  name: string;
  apiUrl: string;
  registry: string;
  compartmentId: string;
  profile: string;
}

/** A context's name is its file's name under ~/.fn/contexts: no path separators, no leading dot. */
export const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._-]+)*$/;

export function checkContextName(value: string): string {
  if (!CONTEXT_NAME.test(value)) {
    throw new UserError(
      `context-name ${JSON.stringify(value)} must be letters, digits, '.', '_' or '-': it becomes a file name.`,
    );
  }
  return value;
}

/** The api-url input: an https URL, without trailing slashes. */
export function checkApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(
      `api-url ${JSON.stringify(value)} is not a URL; expected https://functions.<region>.oci.oraclecloud.com.`,
    );
  }
  if (url.protocol !== "https:") {
    throw new UserError(
      `api-url must use https:// (got ${url.protocol}//): the Functions API is only served over TLS.`,
    );
  }
  return value.replace(/\/+$/, "");
}

/** The registry input: a registry path without a scheme, as fn deploy prefixes image names with it. */
export function checkContextRegistry(value: string): string {
  const trimmed = value.trim().replace(/\/+$/, "");
  if (/^[a-z]+:\/\//i.test(trimmed)) {
    throw new UserError(
      `registry is a registry path without a scheme, like ocir.<region>.oci.oraclecloud.com/<namespace>; remove "${trimmed.split("//")[0]}//".`,
    );
  }
  if (!REGISTRY.test(trimmed)) {
    throw new UserError(
      `registry ${JSON.stringify(trimmed)} is not a registry path like ocir.<region>.oci.oraclecloud.com/<namespace> (lower case).`,
    );
  }
  return trimmed;
}

export function renderContextFile(existing: string | undefined, context: FnContext): string {
  const doc = parseDocument(existing ?? "");
  if (doc.errors.length > 0 || (doc.contents !== null && !isMapping(doc.toJS()))) {
    return renderContextFile(undefined, context);
  }
  doc.set("provider", "oracle");
  doc.set("api-url", context.apiUrl);
  doc.set("registry", context.registry);
  doc.set("oracle.compartment-id", context.compartmentId);
  doc.set("oracle.profile", context.profile);
  return doc.toString();
}

export function renderRootConfig(existing: string | undefined, contextName: string): string {
  const doc = parseDocument(existing ?? "");
  if (doc.errors.length > 0 || doc.contents === null || !isMapping(doc.toJS())) {
    const fresh = parseDocument("");
    fresh.set("container-enginetype", "docker");
    fresh.set("current-context", contextName);
    return fresh.toString();
  }
  doc.set("current-context", contextName);
  return doc.toString();
}

function isMapping(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
