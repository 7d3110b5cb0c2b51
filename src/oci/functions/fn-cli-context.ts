import { parseDocument } from "yaml";

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
