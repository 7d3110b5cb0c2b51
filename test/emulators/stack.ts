// The whole emulator stack behind one call: a fresh test CA and every emulator serving with it.
// Tests start it in process; `npm run emulators` (start.ts) runs it for out-of-process users.
// Later emulators (Entra, gateway data plane, OCIR) join here and in `endpoints`.
import { rm } from "node:fs/promises";
import { type OciEmulator, type OciEmulatorOptions, startOciEmulator } from "./oci/server.ts";
import { createTestCa, type TlsMaterial } from "./tls/test-ca.ts";

export interface EmulatorStackOptions {
  /** Clock for the emulators (signature date window, creation times). */
  now?: () => Date;
  /** Extra DNS names for the server certificate (fake gateway hosts). */
  dnsNames?: readonly string[];
  /** Registry holding function images (see test/emulators/registry/start-registry.ts). */
  registry?: OciEmulatorOptions["registry"];
  /** How long functions stay CREATING/UPDATING; default 50 ms. */
  functionActiveDelayMs?: number;
}

export interface EmulatorStack {
  endpoints: { oci: string };
  /** CA certificate path, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  caPem: string;
  tls: TlsMaterial;
  oci: OciEmulator;
  /** Stops every emulator and deletes the CA directory. */
  close(): Promise<void>;
}

export async function startEmulatorStack(options: EmulatorStackOptions = {}): Promise<EmulatorStack> {
  const tls = await createTestCa(undefined, options.dnsNames ?? []);
  let oci: OciEmulator;
  try {
    oci = await startOciEmulator({
      tls,
      ...(options.now ? { now: options.now } : {}),
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.functionActiveDelayMs === undefined
        ? {}
        : { functionActiveDelayMs: options.functionActiveDelayMs }),
    });
  } catch (error) {
    await rm(tls.dir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoints: { oci: oci.url },
    caFile: tls.caFile,
    caPem: tls.caPem,
    tls,
    oci,
    close: async () => {
      try {
        await oci.close();
      } finally {
        await rm(tls.dir, { recursive: true, force: true });
      }
    },
  };
}
