// Secret Manager as Cloud Run sees it when it deploys a revision: "During service deployment, all secrets
// used, whether as environment variable or mounted as a volume, are checked to ensure the service account
// used to run the container has access to them. If any check fails, the service deployment fails."
// (https://cloud.google.com/run/docs/configuring/services/secrets). The access is
// roles/secretmanager.secretAccessor on the secret; the runtime account is template.serviceAccount, or
// the project's Compute Engine default account (revision_template.proto).
import type { Json } from "../json.ts";
import type { GcpState, SecretRecord } from "./state.ts";

/** A secret with its versions ("1", "2" ...), aliases and the members that may read it. */
export function addSecret(
  state: GcpState,
  project: string,
  id: string,
  options: { versions: number; accessors: string[]; aliases?: Record<string, string> },
): void {
  const record: SecretRecord = {
    versions: new Set(Array.from({ length: options.versions }, (_, index) => String(index + 1))),
    aliases: new Map(Object.entries(options.aliases ?? {})),
    accessors: new Set(options.accessors),
  };
  state.secrets.set(`projects/${project}/secrets/${id}`, record);
}

/** Why the deploy fails on a secret the template references, or undefined when every one is readable. */
export function secretAccessProblem(
  state: GcpState,
  project: string,
  template: Json,
  container: Json,
): string | undefined {
  const number = state.projects.get(project)?.number ?? "0";
  const account = String(template.serviceAccount || `${number}-compute@developer.gserviceaccount.com`);
  for (const [secret, version] of referencedSecrets(template, container)) {
    const name = secret.startsWith("projects/") ? secret : `projects/${project}/secrets/${secret}`;
    const record = state.secrets.get(byProjectId(state, name));
    if (!record?.accessors.has(`serviceAccount:${account}`)) {
      return `Permission denied on secret: ${name}/versions/${version} for Revision service account ${account}. The service account used must be granted the 'Secret Manager Secret Accessor' role (roles/secretmanager.secretAccessor) at the secret, project or higher level.`;
    }
    const found = version === "latest" || record.versions.has(version) || record.aliases.has(version);
    if (!found) return `Secret ${name}/versions/${version} was not found.`;
  }
  return undefined;
}

/** projects/<number>/secrets/ID named by the project's ID, as the state keeps it. */
function byProjectId(state: GcpState, name: string): string {
  const [, project = "", ...rest] = name.split("/");
  const known = [...state.projects.values()].find((p) => p.number === project)?.id ?? project;
  return ["projects", known, ...rest].join("/");
}

function referencedSecrets(template: Json, container: Json): [string, string][] {
  const found: [string, string][] = [];
  for (const entry of (container.env ?? []) as Json[]) {
    const ref = (entry.valueSource as Json | undefined)?.secretKeyRef as Json | undefined;
    if (ref) found.push([String(ref.secret), String(ref.version ?? "latest")]);
  }
  for (const volume of (template.volumes ?? []) as Json[]) {
    const source = volume.secret as Json | undefined;
    if (!source) continue;
    const items = (source.items ?? []) as Json[];
    if (items.length === 0) found.push([String(source.secret), "latest"]);
    for (const item of items) found.push([String(source.secret), String(item.version ?? "latest")]);
  }
  return found;
}
