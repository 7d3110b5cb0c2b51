// The OCI emulator holds function images to the application's shape, reading the pinned manifest from
// the real registry: an image for another architecture, a single image on GENERIC_X86_ARM, or an index
// without the shape's architecture is refused with 400 InvalidParameter on CreateFunction and
// UpdateFunction; an image that fits (single or multi-arch, attestations ignored) is accepted.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as common from "oci-common";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { type ApiKeyIdentity, functionsClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import type { Tenancy } from "./emulators/oci/state.ts";
import { pushImage } from "./emulators/registry/push-image.ts";
import { pushIndex } from "./emulators/registry/push-index.ts";
import { registrySkip, type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

const NO_RETRY = { retryConfiguration: common.NoRetryConfigurationDetails };
const user = { username: "pusher", password: `shape-${process.pid}` };

describe("OCI emulator: function images fit the application's shape", { skip: registrySkip() }, () => {
  let stack: EmulatorStack;
  let registry: StartedRegistry;
  let tenancy: Tenancy;
  let me: ApiKeyIdentity;
  const images: Record<string, string> = {};

  before(async () => {
    stack = await startEmulatorStack({ functionActiveDelayMs: 0 });
    trustCaInProcess(stack.caPem);
    registry = await startRegistry({ users: [user] });
    stack.oci.setRegistry({ url: registry.url, ...user });
    ({ tenancy, me } = seedApiKeyCaller(stack.oci.state, "shapes"));
    const credentials = { url: registry.url, ...user };
    const image = async (tag: string, architecture: string) => {
      const pushed = await pushImage({ registry: credentials, repository: "ns/fn", tag, architecture });
      return `${registry.host}/ns/fn@${pushed.digest}`;
    };
    const index = async (tag: string, architectures: string[], attestations = false) => {
      const pushed = await pushIndex({
        registry: credentials,
        repository: "ns/fn",
        tag,
        architectures,
        attestations,
      });
      return `${registry.host}/ns/fn@${pushed.digest}`;
    };
    images.amd64 = await image("amd64", "amd64");
    images.arm64 = await image("arm64", "arm64");
    images.both = await index("both", ["amd64", "arm64"]);
    images.armOnlyIndex = await index("arm-index", ["arm64"]);
    images.amd64Attested = await index("attested", ["amd64"], true);
  });

  after(async () => {
    await stack?.close();
    await registry?.close();
  });

  const create = (applicationId: string, displayName: string, image: string) => {
    const [name = "", digest = ""] = image.split("@");
    return functionsClients(stack.endpoints.oci, me).management.createFunction({
      createFunctionDetails: {
        applicationId,
        displayName,
        image: `${name}:pinned`,
        imageDigest: digest,
        memoryInMBs: 128,
      },
      ...NO_RETRY,
    });
  };
  const application = (displayName: string, shape?: string) =>
    stack.oci.state.createApplication({ compartmentId: tenancy.id, displayName, ...(shape ? { shape } : {}) })
      .id;

  test("GENERIC_X86 (the default): amd64 images and indexes holding amd64 fit; arm64 does not", async () => {
    const x86 = application("x86");
    for (const [name, image] of [
      ["plain", images.amd64],
      ["multi", images.both],
      ["attested", images.amd64Attested],
    ] as const) {
      const created = await create(x86, name, image ?? "");
      assert.equal(created.function.shape, "GENERIC_X86");
    }
    await rejectsWith(
      create(x86, "arm", images.arm64 ?? ""),
      400,
      "InvalidParameter",
      /\(linux\/arm64\) is not compatible with the application shape GENERIC_X86, which needs linux\/amd64\.$/,
    );
    await rejectsWith(create(x86, "arm-index", images.armOnlyIndex ?? ""), 400, "InvalidParameter");
  });

  test("GENERIC_ARM takes arm64; GENERIC_X86_ARM takes only a multi-arch index with both", async () => {
    const arm = application("arm", "GENERIC_ARM");
    await create(arm, "arm", images.arm64 ?? "");
    await create(arm, "arm-from-index", images.both ?? "");
    await rejectsWith(create(arm, "x86", images.amd64 ?? ""), 400, "InvalidParameter", /GENERIC_ARM/);
    const multi = application("multi", "GENERIC_X86_ARM");
    await create(multi, "both", images.both ?? "");
    await rejectsWith(
      create(multi, "single", images.amd64 ?? ""),
      400,
      "InvalidParameter",
      /needs linux\/amd64 and linux\/arm64 in a multi-architecture image/,
    );
  });

  test("UpdateFunction to an image that does not fit is refused and the function keeps its image", async () => {
    const x86 = application("x86-update");
    const created = await create(x86, "updated", images.amd64 ?? "");
    const management = functionsClients(stack.endpoints.oci, me).management;
    const [name = "", digest = ""] = (images.arm64 ?? "").split("@");
    await rejectsWith(
      management.updateFunction({
        functionId: created.function.id ?? "",
        updateFunctionDetails: { image: `${name}:arm`, imageDigest: digest },
        ...NO_RETRY,
      }),
      400,
      "InvalidParameter",
    );
    assert.equal(
      stack.oci.state.fn.functions.get(created.function.id ?? "")?.imageDigest,
      images.amd64?.split("@")[1],
    );
  });
});
