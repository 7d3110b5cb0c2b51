// The secrets and labels inputs, read as gcloud and google-github-actions/deploy-cloudrun spell them:
// secrets one KEY=SECRET:VERSION (a variable) or /PATH/FILE=SECRET:VERSION (a mounted file) per line or
// comma, labels KEY=VALUE. A secret reference names a Secret Manager version; it is not the secret's value.
// Rules: SecretKeySelector and SecretVolumeSource (k8s.min.proto: SECRET or projects/P/secrets/SECRET;
// version latest, a number or an alias); secret IDs of letters, digits, '_' and '-', at most 255
// (https://cloud.google.com/secret-manager/docs/creating-and-accessing-secrets); mount paths absolute,
// without ':', one secret per folder, never /dev, /proc or /sys
// (https://cloud.google.com/run/docs/configuring/services/secrets); labels as Google's label rules
// (https://cloud.google.com/resource-manager/docs/creating-managing-labels#requirements).
import { posix } from "node:path";
import { UserError } from "../errors.ts";
import { RUN_LABEL_KEY } from "../run-label.ts";
import { ENV_NAME, RESERVED_ENV } from "./deploy-checks.ts";
import type { SecretRef } from "./service-env.ts";

const FILE_PATH = /^(?:\/[A-Za-z0-9._-]+)+$/;
const SECRET = /^(?:projects\/[a-z0-9][-a-z0-9.:]{0,62}\/secrets\/)?[A-Za-z0-9_-]{1,255}$/;
const VERSION = /^(?:latest|[1-9]\d{0,18}|[A-Za-z][A-Za-z0-9_-]{0,62})$/;
const RESERVED_FOLDERS = ["/dev", "/proc", "/sys"];
const LABEL_KEY = /^\p{Ll}[\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const REFERENCE_FORM =
  "use SECRET:VERSION, with SECRET a Secret Manager secret ID or projects/PROJECT/secrets/ID and VERSION latest, a number or an alias (e.g. api-key:3)";

export interface SecretInputs {
  env: Record<string, SecretRef>;
  files: Record<string, SecretRef>;
}

/** Items of a list input: one per line or comma, numbered from 1 as the user counts them. */
function items(text: string): { number: number; text: string }[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "")
    .map((item, index) => ({ number: index + 1, text: item }));
}

export function parseSecrets(text: string): SecretInputs {
  const parsed: SecretInputs = { env: {}, files: {} };
  const folders = new Map<string, { secret: string; number: number }>();
  for (const { number, text: item } of items(text)) {
    const at = item.indexOf("=");
    const [target, reference] = at < 0 ? [item, ""] : [item.slice(0, at).trim(), item.slice(at + 1).trim()];
    const where = `secrets item ${number}`;
    if (at < 0) {
      throw new UserError(
        `${where} has no '=': write KEY=SECRET:VERSION for a variable or /PATH/FILE=SECRET:VERSION for a mounted file.`,
      );
    }
    const ref = secretRef(reference, `${where} (${target.slice(0, 120)})`);
    if (target.startsWith("/")) {
      checkMountPath(target, where);
      const folder = posix.dirname(target);
      const other = folders.get(folder);
      if (other && other.secret !== ref.secret) {
        throw new UserError(
          `${where} mounts ${ref.secret} in ${folder}, where item ${other.number} mounts ${other.secret}: Cloud Run mounts one secret per folder; use another folder.`,
        );
      }
      folders.set(folder, { secret: ref.secret, number });
      if (target in parsed.files) throw new UserError(`${where}: ${target} is mounted twice; keep one.`);
      parsed.files[target] = ref;
      continue;
    }
    if (!ENV_NAME.test(target)) {
      throw new UserError(
        `${where}: ${JSON.stringify(target.slice(0, 80))} is neither a variable name (letters, digits and _) nor an absolute file path (e.g. /secrets/api/key).`,
      );
    }
    if (RESERVED_ENV.has(target))
      throw new UserError(`${where}: ${target} is set by Cloud Run itself; remove it.`);
    if (target in parsed.env) throw new UserError(`${where}: ${target} is set twice; keep one.`);
    parsed.env[target] = ref;
  }
  for (const folder of folders.keys()) {
    if (Object.keys(parsed.files).includes(folder)) {
      throw new UserError(
        `secrets: ${folder} is both a mounted file and the folder of another; pick other paths.`,
      );
    }
  }
  return parsed;
}

function secretRef(text: string, where: string): SecretRef {
  const at = text.lastIndexOf(":");
  const [secret, version] = at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
  if (!SECRET.test(secret) || !VERSION.test(version)) {
    // The text is not repeated: a value pasted where its reference belongs must not reach the log.
    throw new UserError(`${where} does not end in a secret reference: ${REFERENCE_FORM}.`);
  }
  return { secret, version };
}

function checkMountPath(path: string, where: string): void {
  if (!FILE_PATH.test(path) || path.split("/").some((part) => part === "." || part === "..")) {
    throw new UserError(
      `${where}: ${JSON.stringify(path.slice(0, 120))} is not a file path Cloud Run mounts: use an absolute path of letters, digits, '.', '_' and '-' without '..', e.g. /secrets/api/key.`,
    );
  }
  const folder = posix.dirname(path);
  if (folder === "/") {
    throw new UserError(
      `${where}: ${path} would mount a secret on /: put the file in a folder, e.g. /secrets${path}.`,
    );
  }
  const reserved = RESERVED_FOLDERS.find((root) => folder === root || folder.startsWith(`${root}/`));
  if (reserved) {
    throw new UserError(
      `${where}: ${path} is under ${reserved}, where Cloud Run mounts nothing (/dev, /proc, /sys): choose another folder.`,
    );
  }
}

/** KEY=VALUE per line or comma; Google's label rules, and fngate-run is run-label's. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const { number, text: item } of items(text)) {
    const at = item.indexOf("=");
    const key = (at < 0 ? item : item.slice(0, at)).trim();
    const value = at < 0 ? "" : item.slice(at + 1).trim();
    const where = `labels item ${number}`;
    if (at < 0 || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
      throw new UserError(
        `${where} (${JSON.stringify(item.slice(0, 80))}) is not a label Cloud Run takes: write KEY=VALUE, the key 1-63 lowercase letters, digits, '_' or '-' starting with a letter, the value 0-63 of the same.`,
      );
    }
    if (key === RUN_LABEL_KEY) {
      throw new UserError(
        `${where}: ${RUN_LABEL_KEY} is fngate's own label, set from run-label; remove it from labels.`,
      );
    }
    if (key in labels) throw new UserError(`${where}: ${key} is set twice; keep one.`);
    labels[key] = value;
  }
  if (Object.keys(labels).length > 64) {
    throw new UserError(
      `labels lists ${Object.keys(labels).length} labels; Cloud Run takes at most 64 on a service.`,
    );
  }
  return labels;
}
