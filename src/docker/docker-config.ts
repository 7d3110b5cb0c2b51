import { UserError } from "../errors.ts";

/**
 * Docker's client configuration (config.json) as podman, buildah, crane and docker itself read it: an
 * `auths` map from registry host to base64("user:password"). Used when the docker CLI is absent, so
 * other clients still find the login.
 */
export function basicAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString("base64");
}

export function withAuthEntry(existing: string | undefined, host: string, auth: string): string {
  let config: Record<string, unknown> = {};
  if (existing && existing.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(existing);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("not an object");
      config = parsed as Record<string, unknown>;
    } catch {
      throw new UserError(
        "the existing docker config.json is not valid JSON: fix or remove it, then re-run.",
      );
    }
  }
  const auths =
    typeof config.auths === "object" && config.auths !== null
      ? (config.auths as Record<string, unknown>)
      : {};
  return `${JSON.stringify({ ...config, auths: { ...auths, [host]: { auth } } }, null, "\t")}\n`;
}
