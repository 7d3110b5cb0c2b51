// The Entra ID emulator: one HTTPS endpoint on loopback standing in for login.microsoftonline.com.
// The real @azure/msal-node talks to it, gateways fetch its JWKS, and tests seed tenants and app
// registrations and mint tokens directly. MSAL needs exactly this (no TLS switch-off; the CA comes
// from NODE_EXTRA_CA_CERTS or trustCaInProcess):
//   new ConfidentialClientApplication({ auth: {
//     clientId, clientSecret | clientCertificate | clientAssertion,
//     authority: "https://127.0.0.1:<port>/<tenant-id>",
//     knownAuthorities: ["127.0.0.1:<port>"], // skips instance discovery at the real login host
//   } })
// MSAL then reads /<tenant>/v2.0/.well-known/openid-configuration and posts to the token endpoint
// it names. Its `issuer` is Entra's real one, which MSAL accepts as a known Microsoft host.

import { closeServer, serveHttpsOnLoopback } from "../http/loopback-server.ts";
import type { TlsMaterial } from "../tls/test-ca.ts";
import { issuerV1, issuerV2 } from "./access-token.ts";
import type { ApiAppInput, Application, ClientAppInput } from "./directory.ts";
import { Directory } from "./directory.ts";
import { type EntraFaults, entraFaults } from "./faults.ts";
import { FederatedVerifier } from "./federated-verifier.ts";
import { type MintTokenInput, mintAccessToken } from "./mint-token.ts";
import { type EntraRequestLogEntry, handleEntraRequest } from "./routes.ts";
import { SigningKeys } from "./signing-keys.ts";

export interface EntraEmulatorOptions {
  tls: TlsMaterial;
  /** The emulator's clock: token times and credential expiry. */
  now?: () => Date;
  /** Access token lifetime; default 3600 s. */
  tokenLifetimeSeconds?: number;
}

export interface EntraMsalAuth {
  authority: string;
  knownAuthorities: string[];
}

export interface EntraEmulator {
  /** https://127.0.0.1:<port>, the authority host. */
  url: string;
  /** 127.0.0.1:<port>, for an `authority-host` input. */
  host: string;
  directory: Directory;
  addTenant(tenantId?: string): string;
  addApiApp(tenantId: string, input: ApiAppInput): Application;
  addClientApp(tenantId: string, input: ClientAppInput): Application;
  /** The `auth` options MSAL needs for this tenant (authority + knownAuthorities). */
  msalAuth(tenantId: string): EntraMsalAuth;
  tokenEndpoint(tenantId: string): string;
  openIdConfigurationUrl(tenantId: string, version?: 1 | 2): string;
  jwksUri(tenantId: string, version?: 1 | 2): string;
  issuerV1(tenantId: string): string;
  issuerV2(tenantId: string): string;
  keys: SigningKeys;
  /** Publishes a new signing key and signs with it from now on; returns its kid. */
  rotateSigningKey(): Promise<string>;
  /** Stops publishing a key (not the current one). */
  retireKey(kid: string): void;
  mintToken(input: MintTokenInput): Promise<string>;
  /** Every request in arrival order. */
  requests: EntraRequestLogEntry[];
  /** Makes upcoming calls fail (429, 5xx), stall or reset. */
  faults: EntraFaults;
  close(): Promise<void>;
}

export async function startEntraEmulator(options: EntraEmulatorOptions): Promise<EntraEmulator> {
  const now = options.now ?? (() => new Date());
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const directory = new Directory(now);
  // Entra's signing certificates are issued to this name; it publishes a spare key besides the signing one.
  const keys = await SigningKeys.create("accounts.accesscontrol.windows.net", 2);
  // Federated issuers (the GitHub OIDC issuer) serve HTTPS with the stack's CA.
  const federated = new FederatedVerifier(options.tls.caPem);
  const requests: EntraRequestLogEntry[] = [];
  const faults = entraFaults();

  const context = { directory, keys, federated, baseUrl: "", lifetimeSeconds, now, requests, faults };
  const {
    server,
    port,
    url: baseUrl,
  } = await serveHttpsOnLoopback(options.tls, "entra emulator", (req, res) =>
    handleEntraRequest(req, res, context),
  );
  context.baseUrl = baseUrl;
  const host = `127.0.0.1:${port}`;

  return {
    url: baseUrl,
    host,
    directory,
    addTenant: (tenantId) => directory.addTenant(tenantId).id,
    addApiApp: (tenantId, input) => directory.addApiApp(tenantId, input),
    addClientApp: (tenantId, input) => directory.addClientApp(tenantId, input),
    msalAuth: (tenantId) => ({ authority: `${baseUrl}/${tenantId}`, knownAuthorities: [host] }),
    tokenEndpoint: (tenantId) => `${baseUrl}/${tenantId}/oauth2/v2.0/token`,
    openIdConfigurationUrl: (tenantId, version = 2) =>
      `${baseUrl}/${tenantId}${version === 2 ? "/v2.0" : ""}/.well-known/openid-configuration`,
    jwksUri: (tenantId, version = 2) =>
      `${baseUrl}/${tenantId}/discovery${version === 2 ? "/v2.0" : ""}/keys`,
    issuerV1,
    issuerV2,
    keys,
    rotateSigningKey: () => keys.rotate(),
    retireKey: (kid) => keys.retire(kid),
    mintToken: (input) => mintAccessToken(directory, keys, input, { now: now(), lifetimeSeconds }),
    requests,
    faults,
    close: () => closeServer(server),
  };
}
