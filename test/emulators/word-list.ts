/** A list of names (fields, headers, permissions) written as one whitespace-separated string. */
export function words(text: string): string[] {
  return text.trim().split(/\s+/);
}
