import { UserError } from "../errors.ts";

/** The fields of a service account key file that a token request needs. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  privateKeyId: string;
  projectId?: string;
}

/**
 * Reads a service account key JSON (as downloaded from the console or `gcloud iam service-accounts
 * keys create`). Messages never quote the value: it is a secret.
 */
export function parseServiceAccountKey(text: string): ServiceAccountKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(
      'credentials-json is not JSON: pass the whole service account key file (the JSON that starts with {"type": "service_account"}), e.g. from a secret.',
    );
  }
  const key = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  if (key.type !== "service_account") {
    const type = typeof key.type === "string" ? key.type : "none";
    throw new UserError(
      `credentials-json has type ${JSON.stringify(type)}: a service account key file (type "service_account") is needed; for keyless access use workload-identity-provider and service-account instead.`,
    );
  }
  const text_ = (name: string) => (typeof key[name] === "string" ? (key[name] as string) : "");
  const missing = ["client_email", "private_key", "private_key_id"].filter((name) => text_(name) === "");
  if (missing.length > 0) {
    throw new UserError(
      `credentials-json lacks ${missing.join(", ")}: pass the complete key file as downloaded, not an edited copy.`,
    );
  }
  if (!text_("private_key").includes("PRIVATE KEY-----")) {
    throw new UserError(
      "credentials-json private_key is not a PEM private key: pass the key file unchanged (its \\n escapes included).",
    );
  }
  const parsed: ServiceAccountKey = {
    clientEmail: text_("client_email"),
    privateKey: text_("private_key"),
    privateKeyId: text_("private_key_id"),
  };
  if (text_("project_id") !== "") parsed.projectId = text_("project_id");
  return parsed;
}
