/**
 * Ends the process once everything it wrote to stdout and stderr has been handed to the reader.
 *
 * A pipe takes 64 KB; the rest of a write waits in the process, and process.exit() drops it. After a
 * long docker build log, or the ::add-mask:: lines of a large key, that was the failure line itself:
 * exit 1 and no message. The process is still ended explicitly, because SDK clients leave sockets and
 * timers behind that would keep it alive, and a reader that stops reading altogether cannot hold it
 * past `limitMs`.
 */
export async function exitWhenFlushed(code: number, limitMs = 30_000): Promise<never> {
  const limit = setTimeout(() => process.exit(code), limitMs);
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  clearTimeout(limit);
  process.exit(code);
}

/** Resolves when every write so far has left the process (or the stream can no longer take any). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed || !stream.writable) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => resolve();
    // A reader that went away (EPIPE) ends the wait too: nothing more can be delivered.
    stream.once("error", done);
    stream.once("close", done);
    // Writes complete in order, so this empty write's callback runs after every earlier one.
    stream.write("", done);
  });
}
