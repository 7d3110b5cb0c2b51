import { type EmulatorStack, type EmulatorStackOptions, startEmulatorStack } from "../emulators/stack.ts";
import { generateTestKey, type TestKey } from "./keys.ts";

/**
 * A running emulator stack with one tenancy and one user whose API key is registered: what a test
 * needs to run an OCI action for real. Keys are generated per run.
 */
export interface OciFixture {
  stack: EmulatorStack;
  tenancyId: string;
  namespace: string;
  userId: string;
  key: TestKey;
  /** The inputs fn-context needs for this user, ready to override. */
  inputs(overrides?: Record<string, string>): Record<string, string>;
  /** Process environment pointing the actions at the emulators and trusting their CA. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export type OciFixtureOptions = Pick<EmulatorStackOptions, "now" | "dnsNames" | "functionActiveDelayMs">;

export async function startOciFixture(options: OciFixtureOptions = {}): Promise<OciFixture> {
  const stack = await startEmulatorStack(options);
  const key = generateTestKey();
  const tenancy = stack.oci.state.createTenancy({ name: "fngate-test" });
  const user = stack.oci.state.createUser({
    tenancyId: tenancy.id,
    name: "ci-deployer",
    publicKeyPem: key.publicPem,
  });
  return {
    stack,
    tenancyId: tenancy.id,
    namespace: tenancy.namespace,
    userId: user.id,
    key,
    inputs: (overrides = {}) => ({
      "user-ocid": user.id,
      "tenancy-ocid": tenancy.id,
      fingerprint: key.fingerprint,
      "private-key": key.pkcs8,
      region: "ap-tokyo-1",
      ...overrides,
    }),
    env: { FNGATE_OCI_ENDPOINT: stack.endpoints.oci, NODE_EXTRA_CA_CERTS: stack.caFile },
    close: () => stack.close(),
  };
}
