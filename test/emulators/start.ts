// `npm run emulators`: starts the emulator stack and prints one JSON line with every endpoint and
// the CA file, e.g. {"oci":"https://127.0.0.1:40123","caFile":"/tmp/fngate-tls-x/ca.pem"}.
// Runs until SIGTERM or SIGINT, then stops the servers and deletes the temporary CA directory.
import { startEmulatorStack } from "./stack.ts";

const stack = await startEmulatorStack();
process.stdout.write(`${JSON.stringify({ ...stack.endpoints, caFile: stack.caFile })}\n`);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await stack.close();
  } catch (error) {
    console.error(`emulators: failed to stop cleanly after ${signal}`, error);
    process.exitCode = 1;
  }
  // Nothing else holds the event loop once the servers are closed; the process ends by itself.
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
}

function onSignal(signal: NodeJS.Signals): void {
  stop(signal).catch((error: unknown) => console.error(error));
}

process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);
