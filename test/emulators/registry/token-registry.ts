// The real distribution registry in token-auth mode with the OCI emulator as its token realm: the
// shape of OCIR, where `docker login -u BEARER_TOKEN` and every push go through
// https://<registry host>/20180419/docker/token. The emulator signs registry JWTs (ES256) with a key
// made here; its self-signed certificate is the registry's rootcertbundle and travels in each
// token's x5c (https://distribution.github.io/distribution/spec/auth/jwt).
import { execFile } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { OciEmulator } from "../oci/server.ts";
import { type StartedRegistry, startRegistry } from "./start-registry.ts";

const execFileAsync = promisify(execFile);
export const TOKEN_ISSUER = "fngate-oci-emulator-registry-tokens";

export async function startTokenRegistry(oci: OciEmulator): Promise<StartedRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "fngate-registry-signer-"));
  try {
    const keyFile = join(dir, "signer-key.pem");
    const certFile = join(dir, "signer.pem");
    await execFileAsync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "7",
      "-subj",
      "/CN=fngate emulator registry token signer",
    ]);
    const certificateDer = (await readFile(certFile, "utf8")).replace(/-----[^-]+-----|\s/g, "");
    const signingKey = createPrivateKey(await readFile(keyFile, "utf8"));
    const registry = await startRegistry({
      token: {
        realm: `${oci.url}/20180419/docker/token`,
        issuer: TOKEN_ISSUER,
        rootCertBundleFile: certFile,
      },
    });
    oci.useTokenRegistry({
      url: registry.url,
      service: registry.host,
      issuer: TOKEN_ISSUER,
      signingKey,
      certificateDer,
    });
    return {
      ...registry,
      close: async () => {
        oci.useTokenRegistry(undefined);
        await registry.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
