// Cloud Run deploys of images cloud-run-deploy builds from the workspace: a real registry (distribution)
// that, like Artifact Registry, takes only Bearer tokens from the Google emulator's token service, and a
// Cloud Run that accepts an image by digest only when the registry holds it (what its service agent pulls)
// and, when asked, serves each revision with the function its own image holds (image-function.ts).
import { type CloudRunFixture, PROJECT } from "../emulators/gcp/fixture.ts";
import { imageFunction } from "../emulators/gcp/image-function.ts";
import { RegistryClient } from "../emulators/registry/registry-client.ts";
import { type StartedRegistry, startRegistry } from "../emulators/registry/start-registry.ts";
import { registryInstalled } from "./real-components.ts";

// Cloud Run pulls with its service agent, which may read the project's repositories.
const SERVICE_AGENT = "serviceAccount:service-agent@serverless-robot-prod.iam.gserviceaccount.com";

export interface ArtifactRegistry {
  registry: StartedRegistry;
  /** A registry client reading as Cloud Run's service agent (what the emulator's deploy check pulls as). */
  reader(): RegistryClient;
  /** The tag cloud-run-deploy pushes the function `name` to. */
  tagOf(name: string): string;
}

/** The registry in front of `fx`'s Cloud Run, or undefined where Debian's docker-registry is absent. */
export async function startArtifactRegistry(
  fx: CloudRunFixture,
  options: { serveImageFunction?: boolean } = {},
): Promise<ArtifactRegistry | undefined> {
  if (!(await registryInstalled())) return undefined;
  const registry = await startRegistry({ tokenAuth: await fx.stack.gcp.enableArtifactRegistryAuth() });
  fx.stack.gcp.grantRegistryWriter(PROJECT, SERVICE_AGENT);
  const reader = () => {
    const principal = { principal: SERVICE_AGENT, memberships: [], kind: "service-account" as const };
    const password = fx.stack.gcp.state.issueToken(principal, 300, Date.now());
    return new RegistryClient({ url: registry.url, username: "oauth2accesstoken", password });
  };
  const pulled = new RegExp(`^${registry.host}/(.+)@(sha256:[a-f0-9]{64})$`);
  fx.stack.gcp.state.imageResolver = async (image) => {
    const match = pulled.exec(image);
    return match ? (await reader().manifestDigest(match[1] ?? "", match[2] ?? "")) !== undefined : false;
  };
  if (options.serveImageFunction) {
    fx.stack.gcp.state.codeResolver = async (image) => {
      const match = pulled.exec(image);
      return match ? imageFunction(reader(), match[1] ?? "", match[2] ?? "") : undefined;
    };
  }
  return { registry, reader, tagOf: (name) => `${registry.host}/${PROJECT}/functions/${name}:1` };
}
