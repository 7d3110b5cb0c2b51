// What the FC pipeline tests share: the Alibaba and Entra emulators, a checkout holding the example
// function that checks the claims the trigger forwards (examples/alibaba-fc/jwt-claims) in `web` plus
// the test's own handlers, and an Entra tenant with the API, a client allowed to call it, and Azure
// Resource Manager (the other resource whose token the pipeline proves is refused).
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type StartedAlibabaFixture, startAlibabaFixture } from "../emulators/alibaba/fixture.ts";
import type { Application } from "../emulators/entra/directory.ts";

export interface FcEntraWorld {
  fx: StartedAlibabaFixture;
  checkout: string;
  tenantId: string;
  api: Application;
  client: Application;
  /** The client's secret. */
  secret: string;
  /** fc-pipeline's inputs that hold no secret, for the function `name` built from `web`. */
  open(name: string, overrides?: Record<string, string>): Record<string, string>;
  /** Its secret inputs. */
  secrets(): Record<string, string>;
  close(): Promise<void>;
}

/** `name` marks the checkout, the API's identifier URI (api://<name>) and the client's secret. */
export async function startFcEntraWorld(
  name: string,
  handlers: Record<string, string> = {},
): Promise<FcEntraWorld> {
  const fx = await startAlibabaFixture();
  const checkout = await mkdtemp(join(tmpdir(), `fngate-${name}-`));
  await mkdir(join(checkout, "web"));
  await copyFile(
    join(import.meta.dirname, "..", "..", "examples", "alibaba-fc", "jwt-claims", "index.mjs"),
    join(checkout, "web", "index.mjs"),
  );
  for (const [folder, code] of Object.entries(handlers)) {
    await mkdir(join(checkout, folder));
    await writeFile(join(checkout, folder, "index.mjs"), code);
  }
  const secret = `${name}-client-secret-0123456789`;
  const entra = fx.stack.entra;
  const tenantId = entra.addTenant();
  // Azure Resource Manager, which every tenant's apps may get a token for (v1, the same signing keys).
  entra.addApiApp(tenantId, { identifierUris: ["https://management.azure.com"] });
  const api = entra.addApiApp(tenantId, {
    identifierUris: [`api://${name}`],
    accessTokenAcceptedVersion: 2,
    appRoles: [{ value: "Invoke" }],
  });
  const client = entra.addClientApp(tenantId, {
    secrets: [{ value: secret }],
    roleAssignments: [{ resourceAppId: api.appId, role: "Invoke" }],
  });
  return {
    fx,
    checkout,
    tenantId,
    api,
    client,
    secret,
    open: (fn, overrides = {}) => ({
      region: "cn-hangzhou",
      function: fn,
      "code-path": "web",
      runtime: "nodejs20",
      handler: "index.handler",
      "access-key-id": fx.accessKey.id,
      "tenant-id": tenantId,
      "client-id": client.appId,
      scope: `api://${name}/.default`,
      "authority-host": fx.stack.entra.host,
      "expect-body": "Hello from FC",
      "function-checks-claims": "true",
      env: `EXPECTED_AUDIENCE=${api.appId}\nEXPECTED_TENANT_ID=${tenantId}`,
      ...overrides,
    }),
    secrets: () => ({ "access-key-secret": fx.accessKey.secret, "client-secret": secret }),
    close: async () => {
      await fx.close();
      await rm(checkout, { recursive: true, force: true });
    },
  };
}
