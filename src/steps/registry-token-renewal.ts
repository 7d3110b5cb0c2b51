import type { DockerCli } from "../docker/docker-cli.ts";
import type { PushLogin } from "../docker/image-build.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import type { StepContext } from "../step-context.ts";
import { requestCredential } from "./ocir-credential.ts";
import { dockerLogin } from "./ocir-docker-login.ts";
import type { TokenLogin } from "./ocir-login.ts";

/**
 * A push started this close to the token's expiry renews it first: the daemon asks the registry's
 * token service again while it pushes, with the login's token, and a layer upload takes minutes.
 */
export const RENEW_MARGIN_MS = 5 * 60_000;

/**
 * fn-deploy's side of a registry token login: it renews the token with the same OCI profile and logs
 * docker in again (the docker config.json ocir-login's post step restores is the same file).
 */
export function registryTokenRenewal(
  login: TokenLogin,
  profile: OciProfile,
  docker: DockerCli,
  dockerConfigDir: string,
  ctx: StepContext,
): PushLogin {
  let expiresAt = new Date(login.expiresAt);
  const renew = async () => {
    const credential = await requestCredential(profile, login.registry, ctx);
    await dockerLogin(credential, login, { docker, dockerConfigDir }, ctx);
    if (credential.kind === "registry token") expiresAt = credential.expiresAt;
  };
  return {
    registry: login.registry,
    namespace: login.namespace,
    regionId: login.regionId,
    async beforePush() {
      if (ctx.now().getTime() + RENEW_MARGIN_MS < expiresAt.getTime()) return;
      ctx.logger.info(
        `The registry token for ${login.registry} expires at ${expiresAt.toISOString()}, too soon for the push: renewing it.`,
      );
      await renew();
    },
    renew,
  };
}

/** The login fn-deploy may renew for `image`: only one ocir-login made for the image's registry. */
export function loginForImage(image: string, login: TokenLogin | undefined): TokenLogin | undefined {
  return login && image.split("/")[0]?.toLowerCase() === login.registry ? login : undefined;
}
