/** The command line itself is wrong (unknown command or flag, a secret on argv, a missing flag): exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
