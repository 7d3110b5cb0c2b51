import { readFile, stat } from "node:fs/promises";
import { UserError } from "../errors.ts";

/**
 * A small text file from a user's folder (func.yaml), read only when it is a regular file no bigger
 * than `maxBytes`: a FIFO would block the read forever and a huge file would be read whole for
 * nothing. undefined when there is no such file.
 */
export async function readSmallTextFile(
  path: string,
  shownAs: string,
  maxBytes: number,
): Promise<string | undefined> {
  const found = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw new UserError(`cannot read ${shownAs} (${error.code ?? error.message}).`);
  });
  if (found === undefined) return undefined;
  if (!found.isFile()) {
    throw new UserError(`${shownAs} is not a regular file (a FIFO, device or socket): make it a file.`);
  }
  if (found.size > maxBytes) {
    throw new UserError(
      `${shownAs} is ${found.size} bytes, more than the ${maxBytes} fngate reads: is it the right file?`,
    );
  }
  return readFile(path, "utf8");
}
