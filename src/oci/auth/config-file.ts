import { UserError } from "../../errors.ts";

/**
 * The OCI SDK/CLI configuration file (~/.oci/config): INI sections, one per profile.
 * Merging replaces one profile's section and leaves every other byte of the file as it was, so a
 * runner that already has profiles (self-hosted, or a second fn-context step) keeps them.
 */
export interface OciProfile {
  name: string;
  /** Absent for a session profile: the session token names the user. */
  user?: string;
  fingerprint: string;
  tenancy: string;
  region: string;
  keyFile: string;
  /** A session profile (the OCI CLI's `--auth security_token`): the UPST file the key is bound to. */
  securityTokenFile?: string;
}

const SECTION_HEADER = /^\s*\[([^\]]*)\]\s*$/;
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/;

/** A profile name becomes a section header: a bracket or a line break in it would corrupt the file. */
export function checkProfileName(value: string): string {
  if (!PROFILE_NAME.test(value)) {
    throw new UserError(
      `profile ${JSON.stringify(value)} must be letters, digits, '.', '_', '-' or '@' (like DEFAULT).`,
    );
  }
  return value;
}

export function renderProfile(profile: OciProfile): string {
  return [
    `[${profile.name}]`,
    ...(profile.user === undefined ? [] : [`user=${profile.user}`]),
    `fingerprint=${profile.fingerprint}`,
    `tenancy=${profile.tenancy}`,
    `region=${profile.region}`,
    `key_file=${profile.keyFile}`,
    ...(profile.securityTokenFile === undefined ? [] : [`security_token_file=${profile.securityTokenFile}`]),
    "",
  ].join("\n");
}

export function mergeProfile(existing: string | undefined, profile: OciProfile): string {
  const section = renderProfile(profile);
  if (!existing || existing.trim() === "") return section;
  const lines = existing.split("\n");
  const start = lines.findIndex((line) => SECTION_HEADER.exec(line)?.[1]?.trim() === profile.name);
  if (start === -1) {
    const separator = existing.endsWith("\n\n") ? "" : existing.endsWith("\n") ? "\n" : "\n\n";
    return `${existing}${separator}${section}`;
  }
  let end = start + 1;
  while (end < lines.length && !SECTION_HEADER.test(lines[end] ?? "")) end++;
  const before = lines.slice(0, start).join("\n");
  const after = lines.slice(end).join("\n");
  const head = before === "" ? "" : `${before}\n`;
  const tail = after === "" ? "" : `\n${after}`;
  return `${head}${section}${tail}`;
}
