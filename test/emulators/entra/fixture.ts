// Test setup shared by the Entra emulator tests: a test CA trusted in process, the Entra emulator,
// the GitHub OIDC issuer, one tenant with a v1 and a v2 API app (the seed's api://my-oci-api), and
// real MSAL clients configured the way a caller must configure them for the emulator.
import { rm } from "node:fs/promises";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { type GithubOidcIssuer, startGithubOidcIssuer } from "../github-oidc/server.ts";
import { createTestCa, type TlsMaterial } from "../tls/test-ca.ts";
import { trustCaInProcess } from "../tls/trust.ts";
import type { Application } from "./directory.ts";
import { type EntraEmulator, startEntraEmulator } from "./server.ts";

export interface EntraFixture {
  tls: TlsMaterial;
  entra: EntraEmulator;
  github: GithubOidcIssuer;
  tenantId: string;
  /** accessTokenAcceptedVersion 1, api://my-oci-api, app role "Invoke". */
  apiV1: Application;
  /** accessTokenAcceptedVersion 2, api://my-oci-api-v2, app role "Invoke". */
  apiV2: Application;
  /** A fresh MSAL app (fresh token cache) for `clientId` with one credential. */
  msal(clientId: string, credential: MsalCredential): ConfidentialClientApplication;
  close(): Promise<void>;
}

export type MsalCredential =
  | { clientSecret: string }
  | { clientCertificate: { thumbprintSha256: string; privateKey: string } }
  | { clientAssertion: () => Promise<string> };

export async function startEntraFixture(): Promise<EntraFixture> {
  const tls = await createTestCa();
  trustCaInProcess(tls.caPem);
  const entra = await startEntraEmulator({ tls });
  const github = await startGithubOidcIssuer({ tls });
  const tenantId = entra.addTenant();
  const apiV1 = entra.addApiApp(tenantId, {
    displayName: "oci-app",
    identifierUris: ["api://my-oci-api"],
    accessTokenAcceptedVersion: 1,
    appRoles: [{ value: "Invoke" }, { value: "Admin" }],
  });
  const apiV2 = entra.addApiApp(tenantId, {
    displayName: "oci-app-v2",
    identifierUris: ["api://my-oci-api-v2"],
    accessTokenAcceptedVersion: 2,
    appRoles: [{ value: "Invoke" }],
  });
  return {
    tls,
    entra,
    github,
    tenantId,
    apiV1,
    apiV2,
    msal: (clientId, credential) =>
      new ConfidentialClientApplication({
        // knownAuthorities makes MSAL skip instance discovery (a call to the real
        // login.microsoftonline.com) and trust the emulator's host as an authority.
        auth: { clientId, ...entra.msalAuth(tenantId), ...credential },
      }),
    close: async () => {
      try {
        await Promise.all([entra.close(), github.close()]);
      } finally {
        await rm(tls.dir, { recursive: true, force: true });
      }
    },
  };
}
