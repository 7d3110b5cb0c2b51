// `npm run emulators`: starts the emulator stack with a seeded world (test/support/seeded-world.ts: a
// tenancy and user with an API key, demo-app, an API gateway, the gateway -> functions policy, an Entra
// tenant with an API and a client, the registry where Debian's docker-registry is installed) and prints
// one JSON line: every endpoint, the CA file, the environment that points fngate at the stack
// (FNGATE_OCI_ENDPOINT, NODE_EXTRA_CA_CERTS), the root action's inputs that hold no secret, and the
// files holding its secret inputs (0600, in a folder only this user may read; for the CLI,
// FNGATE_<NAME>_FILE), e.g. {"oci":"https://127.0.0.1:40123",…,"caFile":"/tmp/fngate-tls-x/ca.pem",
// "env":{…},"inputs":{"tenancy-ocid":…},"secretFiles":{"private-key":"/tmp/fngate-emulators-y/private-key"}}.
// Runs until SIGTERM or SIGINT, then stops the servers and deletes the CA and the secret files.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSeededWorld } from "../support/seeded-world.ts";

const world = await startSeededWorld();
const secretsDir = await mkdtemp(join(tmpdir(), "fngate-emulators-"));
const secretFiles: Record<string, string> = {};
for (const [name, value] of Object.entries(world.secrets)) {
  secretFiles[name] = join(secretsDir, name);
  await writeFile(secretFiles[name], value, { mode: 0o600 });
}
const { stack } = world;
// The namespace names the registry's repositories (<registry>/<namespace>/<repository>).
const printed = {
  ...stack.endpoints,
  caFile: stack.caFile,
  namespace: world.namespace,
  env: world.env,
  inputs: world.inputs,
  secretFiles,
};
process.stdout.write(`${JSON.stringify(printed)}\n`);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await world.close();
  } catch (error) {
    console.error(`emulators: failed to stop cleanly after ${signal}`, error);
    process.exitCode = 1;
  } finally {
    await rm(secretsDir, { recursive: true, force: true });
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
