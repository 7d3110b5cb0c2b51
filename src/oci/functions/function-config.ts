import { UserError } from "../../errors.ts";
import { keyValueLines } from "../../text/key-value-lines.ts";

/**
 * A function's configuration from KEY=VALUE lines. Values may be credentials, so they are treated as
 * secrets by the caller; keys follow OCI's rule (letters, digits, underscore, not starting with a digit).
 */
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** OCI limits a function's whole configuration to 4 KB. */
const MAX_CONFIG_BYTES = 4096;

export function parseConfigLines(text: string, inputName: string): Record<string, string> {
  const config: Record<string, string> = {};
  for (const { number, key, value } of keyValueLines(text, { separator: "=", comments: true })) {
    if (value === undefined) {
      throw new UserError(
        // The line is not quoted: config values are secrets, and a line without "=" may be one.
        `${inputName} line ${number}: expected KEY=VALUE, got a line without "=".`,
      );
    }
    if (!KEY.test(key)) {
      throw new UserError(
        `${inputName} line ${number}: ${JSON.stringify(key.slice(0, 40))} is not a valid key (letters, digits and _, not starting with a digit).`,
      );
    }
    if (key in config) throw new UserError(`${inputName} line ${number}: ${key} is set twice.`);
    config[key] = value.trim();
  }
  const size = Buffer.byteLength(JSON.stringify(config));
  if (size > MAX_CONFIG_BYTES) {
    throw new UserError(
      `${inputName} is ${size} bytes; OCI Functions accepts at most ${MAX_CONFIG_BYTES} bytes of configuration.`,
    );
  }
  return config;
}
