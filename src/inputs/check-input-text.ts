import { UserError } from "../errors.ts";
import type { InputShape } from "./input-shapes.ts";

/**
 * A value whose text no input may hold (a control character, credentials in a URL). It is refused
 * before any parser reads the value, and alone: readEveryInput does not read on past it.
 */
export class InputTextError extends UserError {}

/**
 * Refuses an input value whose text cannot be what its input means, before any parser sees it:
 * control characters (a newline in a single-line value; NUL, escape and the like anywhere) and
 * credentials inside a URL. `label` names the input as the user set it (`url`, `--url`,
 * `FNGATE_URL`, `OCI_CLI_USER`). The message never quotes the value: it may be a secret, and a URL
 * with a password is one.
 */
export function checkInputText(label: string, value: string, shape: InputShape): void {
  const at = forbiddenCharacterAt(value, shape.multiLine);
  if (at >= 0) {
    const code = value.charCodeAt(at);
    const what = `${characterName(code)} (U+${code.toString(16).toUpperCase().padStart(4, "0")})`;
    throw new InputTextError(
      shape.multiLine
        ? `${label} contains ${what} at character ${at + 1}: remove it (line breaks and tabs are fine in this input, other control characters are not).`
        : `${label} contains ${what} at character ${at + 1}: it takes a single line of text; remove the character.`,
    );
  }
  if (shape.holds !== "text" && carriesCredentials(value, shape.holds)) {
    throw new InputTextError(
      `${label} must not carry a user name or password ("user:password@" before the host): remove them; fngate never sends credentials inside a URL, each has its own secret input.`,
    );
  }
}

/** The index of the first character the value may not hold, or -1. */
export function forbiddenCharacterAt(value: string, multiLine: boolean): number {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    const lineBreakOrTab = code === 0x0a || code === 0x0d || code === 0x09;
    const separator = code === 0x2028 || code === 0x2029;
    if (multiLine ? control && !lineBreakOrTab : control || separator) return index;
  }
  return -1;
}

const NAMES: Readonly<Record<number, string>> = {
  0: "a NUL character",
  9: "a tab",
  10: "a line feed",
  13: "a carriage return",
  27: "an escape character",
  127: "a DEL character",
  133: "a next-line character",
  8232: "a line separator",
  8233: "a paragraph separator",
};

function characterName(code: number): string {
  return NAMES[code] ?? "a control character";
}

/**
 * Whether any URL, host or image reference in the value (a list may hold several, separated by
 * whitespace or commas) has a user or password before its host: `scheme://user:pass@host/...`,
 * `user:pass@host/...` or, for a URL or host input, `user@host`. An image's `@` is the digest
 * separator (`repo@sha256:...`), so only an `@` before the first `/` of a reference with a path counts.
 */
export function carriesCredentials(value: string, holds: "url" | "image"): boolean {
  for (const item of value.split(/[\s,]+/)) {
    if (item === "") continue;
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(item);
    const rest = scheme ? item.slice(scheme[0].length) : item;
    const firstSlash = rest.search(/[/?#]/);
    const authority = firstSlash < 0 ? rest : rest.slice(0, firstSlash);
    if (!authority.includes("@")) continue;
    if (scheme || holds === "url" || firstSlash >= 0) return true;
  }
  return false;
}
