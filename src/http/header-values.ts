import { UserError } from "../errors.ts";

// What fetch (undici) refuses in a header value: NUL, CR and LF; and it cannot encode characters
// above U+00FF. Its error would quote the value (describeError withholds it, but the check fails
// with a line naming the input instead of a network error).
const UNSENDABLE = /[\0\r\n]|[^\0-\u00ff]/;

/**
 * Refuses a value fetch could not send, naming the input and never the value: a token copied with its
 * line break, or pasted from a document that turned a hyphen into a dash.
 */
export function checkHeaderValue(value: string, inputName: string): void {
  if (!UNSENDABLE.test(value)) return;
  throw new UserError(
    `${inputName} cannot be sent in an HTTP header: it holds a line break, a NUL or a character outside Latin-1; set the value alone, as issued.`,
  );
}
