// cloud-run-deploy and gcp-id-token behind HTTPS_PROXY: the Google APIs are addressed by a name no
// resolver knows (gcp.fngate.test) and only the CONNECT proxy maps it to the emulator, so a green run
// proves every Google call (STS, IAM Credentials, Cloud Run Admin) went through a tunnel. The GitHub
// OIDC request stays on loopback, which @actions/http-client never proxies.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { type CloudRunFixture, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { type ConnectProxy, startConnectProxy } from "./emulators/http/connect-proxy.ts";

const NAME = "gcp.fngate.test";
let fx: CloudRunFixture;
let proxy: ConnectProxy;

before(async () => {
  fx = await startCloudRunFixture({ dnsNames: [NAME] });
  proxy = await startConnectProxy({ resolve: [".fngate.test"] });
});
after(async () => {
  await proxy?.close();
  await fx?.close();
});

it("deploys and gets an ID token with every Google call through the proxy", async () => {
  await using job = await fx.job();
  const env = {
    HTTPS_PROXY: proxy.url,
    FNGATE_GCP_ENDPOINT: `https://${NAME}:${new URL(fx.stack.gcp.url).port}`,
  };
  const deploy = await job.run("cloud-run-deploy", { inputs: fx.deployInputs("proxied-fn"), env });
  assert.equal(deploy.exitCode, 0, deploy.stdout + deploy.stderr);
  const afterDeploy = proxy.countFor(NAME);
  assert.ok(afterDeploy >= 1, `tunnels to ${NAME}: ${afterDeploy}`);
  const token = await job.run("gcp-id-token", {
    inputs: {
      audience: deploy.outputs.url ?? "",
      "workload-identity-provider": fx.provider,
      "service-account": fx.caller.email,
    },
    env,
  });
  assert.equal(token.exitCode, 0, token.stdout + token.stderr);
  assert.ok(proxy.countFor(NAME) > afterDeploy, "the token calls tunnelled too");
  assert.deepEqual(proxy.plainRequests, []);
});
