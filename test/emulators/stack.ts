// The whole emulator stack behind one call: a fresh test CA and every emulator serving with it.
// Tests start it in process; `npm run emulators` (start.ts) runs it for out-of-process users.
// Later emulators (gateway data plane, Cloud Run, Function Compute) join here and in `endpoints`.
import { rm } from "node:fs/promises";
import { type AlibabaEmulator, startAlibabaEmulator } from "./alibaba/server.ts";
import { type EntraEmulator, startEntraEmulator } from "./entra/server.ts";
import {
  GATEWAY_CERT_DNS_NAMES,
  type GatewayDataPlane,
  startGatewayDataPlane,
} from "./gateway/data-plane.ts";
import { type GcpEmulator, startGcpEmulator } from "./gcp/server.ts";
import { type GithubOidcIssuer, startGithubOidcIssuer } from "./github-oidc/server.ts";
import { type OciEmulator, type OciEmulatorOptions, startOciEmulator } from "./oci/server.ts";
import { createTestCa, type TlsMaterial } from "./tls/test-ca.ts";

/** The OCI emulator's options (its clock is every emulator's), and extra DNS names for the certificate. */
export type EmulatorStackOptions = Omit<OciEmulatorOptions, "tls"> & { dnsNames?: readonly string[] };

export interface EmulatorStack {
  endpoints: {
    oci: string;
    gateway: string;
    entra: string;
    githubOidc: string;
    alibaba: string;
    gcp: string;
  };
  /** CA certificate path, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  caPem: string;
  tls: TlsMaterial;
  oci: OciEmulator;
  /** The API Gateway data plane: routes by the deployments stored in the OCI emulator. */
  gateway: GatewayDataPlane;
  /** Entra ID: openid-configuration, JWKS, client-credentials token endpoint. */
  entra: EntraEmulator;
  /** The GitHub Actions OIDC issuer behind ACTIONS_ID_TOKEN_REQUEST_URL. */
  githubOidc: GithubOidcIssuer;
  /** Alibaba Cloud: Function Compute 3.0, STS and an OSS-like PUT behind one base URL. */
  alibaba: AlibabaEmulator;
  /** Google: Cloud Run Admin v2, STS, IAM Credentials, OAuth2 token, and services' own URLs. */
  gcp: GcpEmulator;
  /** Stops every emulator and deletes the CA directory. */
  close(): Promise<void>;
}

export async function startEmulatorStack(options: EmulatorStackOptions = {}): Promise<EmulatorStack> {
  const { dnsNames = [], ...ociOptions } = options;
  const tls = await createTestCa(undefined, [...GATEWAY_CERT_DNS_NAMES, ...dnsNames]);
  const clock = options.now ? { now: options.now } : {};
  const started: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    try {
      // The data plane first: it calls into the OCI emulator while requests are in flight.
      for (const service of started) await service.close();
    } finally {
      await rm(tls.dir, { recursive: true, force: true });
    }
  };
  try {
    const oci = await startOciEmulator({ tls, ...ociOptions });
    started.push(oci);
    const gateway = await startGatewayDataPlane({ tls, oci });
    started.unshift(gateway);
    const entra = await startEntraEmulator({ tls, ...clock });
    started.push(entra);
    const githubOidc = await startGithubOidcIssuer({ tls, ...clock });
    started.push(githubOidc);
    const alibaba = await startAlibabaEmulator({ tls, ...clock });
    started.push(alibaba);
    const gcp = await startGcpEmulator({ tls, ...clock });
    started.push(gcp);
    return {
      endpoints: {
        oci: oci.url,
        gateway: gateway.url,
        entra: entra.url,
        githubOidc: githubOidc.issuer,
        alibaba: alibaba.url,
        gcp: gcp.url,
      },
      caFile: tls.caFile,
      caPem: tls.caPem,
      tls,
      oci,
      gateway,
      entra,
      githubOidc,
      alibaba,
      gcp,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
