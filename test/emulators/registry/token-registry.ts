// The real distribution registry in token-auth mode with the OCI emulator as its token realm: the
// shape of OCIR, where `docker login -u BEARER_TOKEN` and every push go through
// https://<registry host>/20180419/docker/token. The emulator signs registry JWTs (ES256) with a key
// made here; its self-signed certificate is the registry's rootcertbundle and travels in each
// token's x5c (https://distribution.github.io/distribution/spec/auth/jwt).
import { createPrivateKey } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OciEmulator } from "../oci/server.ts";
import { opensslSelfSigned } from "../tls/openssl-self-signed.ts";
import { type StartedRegistry, startRegistry } from "./start-registry.ts";

export const TOKEN_ISSUER = "fngate-oci-emulator-registry-tokens";

export async function startTokenRegistry(oci: OciEmulator): Promise<StartedRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "fngate-registry-signer-"));
  try {
    const signer = await opensslSelfSigned("fngate emulator registry token signer", {
      key: "ec-p256",
      days: 7,
    });
    // The registry reads the certificate from a file (its rootcertbundle); the key stays in memory.
    const certFile = join(dir, "signer.pem");
    await writeFile(certFile, signer.certPem, { mode: 0o600 });
    const certificateDer = signer.certPem.replace(/-----[^-]+-----|\s/g, "");
    const signingKey = createPrivateKey(signer.keyPem);
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
