// Function Compute's tag rules (https://www.alibabacloud.com/help/en/functioncompute/fc/function-tags-management):
// at most 20 tags; a key is 1-64 characters, does not start with aliyun or acs: and contains no http:// or
// https://; a value is at most 128 characters (may be empty) without http:// or https://. On the wire a tag
// is {"Key", "Value"}, as the SDK's Tag model names its fields.
import { acs } from "./errors.ts";

export function checkTags(tags: unknown): void {
  if (tags === undefined || tags === null) return;
  if (!Array.isArray(tags)) throw acs.invalidArgument("tags must be an array of {Key, Value}");
  if (tags.length > 20) throw acs.invalidArgument("a function can have at most 20 tags");
  const keys = new Set<string>();
  for (const tag of tags as { Key?: unknown; Value?: unknown }[]) {
    const key = tag?.Key;
    const value = tag?.Value ?? "";
    if (typeof key !== "string" || key.length < 1 || key.length > 64)
      throw acs.invalidArgument("a tag key must be 1-64 characters");
    if (/^(aliyun|acs:)/i.test(key) || /https?:\/\//.test(key))
      throw acs.invalidArgument(`tag key ${key} must not start with aliyun or acs: or contain http(s)://`);
    if (typeof value !== "string" || value.length > 128 || /https?:\/\//.test(value))
      throw acs.invalidArgument(`the value of tag ${key} must be at most 128 characters without http(s)://`);
    if (keys.has(key)) throw acs.invalidArgument(`tag key ${key} is repeated`);
    keys.add(key);
  }
}
