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
import type { ApiGatewayTimings } from "./oci/apigateway-store.ts";
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
  /** API Gateway work request and propagation delays. */
  apiGateway?: Partial<ApiGatewayTimings>;
}

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
  const tls = await createTestCa(undefined, [...GATEWAY_CERT_DNS_NAMES, ...(options.dnsNames ?? [])]);
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
    const oci = await startOciEmulator({
      tls,
      ...clock,
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.functionActiveDelayMs === undefined
        ? {}
        : { functionActiveDelayMs: options.functionActiveDelayMs }),
      ...(options.apiGateway ? { apiGateway: options.apiGateway } : {}),
    });
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
