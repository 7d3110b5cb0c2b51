// In-process trust for the test CA. oci-common, MSAL and jose all use Node's default CA list (via
// fetch or https), so adding the CA there makes the real clients verify the emulators' certificates
// exactly as they verify a cloud's. Out-of-process children get NODE_EXTRA_CA_CERTS instead.
import { getCACertificates, setDefaultCACertificates } from "node:tls";

export function trustCaInProcess(caPem: string): void {
  const current = getCACertificates("default");
  if (current.includes(caPem)) return;
  setDefaultCACertificates([...current, caPem]);
}
