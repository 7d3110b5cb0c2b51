// One emulator stack per test file, seen through the real oci-sdk clients: a clock the test moves
// instead of sleeping, the test CA trusted in process, one seeded API-key caller, and the shapes
// several emulator tests share (reading every page of a list, a token-checked deployment).
import * as common from "oci-common";
import { type ApiKeyIdentity, apiGatewayClients, seedApiKeyCaller } from "../emulators/oci/sdk-clients.ts";
import type { Tenancy } from "../emulators/oci/state.ts";
import { type EmulatorStack, type EmulatorStackOptions, startEmulatorStack } from "../emulators/stack.ts";
import { trustCaInProcess } from "../emulators/tls/trust.ts";

export const NO_RETRY = { retryConfiguration: common.NoRetryConfigurationDetails };
/** API Gateway with no work request or propagation delay: a created deployment is served at once. */
export const INSTANT_GATEWAY = {
  workRequestAcceptedMs: 0,
  workRequestInProgressMs: 0,
  propagationDelayMs: 0,
};

export interface OciSdkWorld {
  stack: EmulatorStack;
  url: string;
  tenancy: Tenancy;
  me: ApiKeyIdentity;
  /** Moves the emulators' clock forward (settles transitions, expires tokens). */
  later(ms: number): void;
  /** Sets the clock's offset from the real time (negative: behind). */
  setOffset(ms: number): void;
  close(): Promise<void>;
}

export async function startOciSdkWorld(
  options: Omit<EmulatorStackOptions, "now"> = {},
  tenancyName = "acme",
): Promise<OciSdkWorld> {
  let offsetMs = 0;
  const stack = await startEmulatorStack({ ...options, now: () => new Date(Date.now() + offsetMs) });
  trustCaInProcess(stack.caPem);
  const { tenancy, me } = seedApiKeyCaller(stack.oci.state, tenancyName);
  return {
    stack,
    url: stack.endpoints.oci,
    tenancy,
    me,
    later: (ms) => {
      offsetMs += ms;
    },
    setOffset: (ms) => {
      offsetMs = ms;
    },
    close: () => stack.close(),
  };
}

/** Reads a list page by page, as a correct lookup does: every item, and how many pages it took. */
export async function readAllPages<T>(
  fetchPage: (page: string | undefined) => Promise<{ items: T[]; next?: string | undefined }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let page: string | undefined;
  let pages = 0;
  do {
    const answer = await fetchPage(page);
    items.push(...answer.items);
    page = answer.next || undefined;
    pages += 1;
  } while (page && pages < 20);
  return { items, pages };
}

/** `{ page }` when there is one: the SDK request members a paged list call adds. */
export const pageOf = (page: string | undefined) => (page ? { page } : {});

/** TOKEN_AUTHENTICATION with a REMOTE_JWKS validation policy, as gateway-deploy writes it. */
export function tokenAuthentication(options: {
  jwksUri: string;
  issuers: string[];
  audiences: string[];
  verifyClaims?: unknown[];
  /** More members of the authentication policy and of its validationPolicy. */
  extra?: Record<string, unknown>;
  validationExtra?: Record<string, unknown>;
}) {
  return {
    type: "TOKEN_AUTHENTICATION",
    tokenHeader: "Authorization",
    tokenAuthScheme: "Bearer",
    ...options.extra,
    validationPolicy: {
      type: "REMOTE_JWKS",
      uri: options.jwksUri,
      ...options.validationExtra,
      additionalValidationPolicy: {
        issuers: options.issuers,
        audiences: options.audiences,
        ...(options.verifyClaims ? { verifyClaims: options.verifyClaims } : {}),
      },
    },
  };
}

/** Creates a deployment through the real DeploymentClient and reads it back (its endpoint, state, etag). */
export async function createDeployment(
  world: Pick<OciSdkWorld, "url" | "me">,
  details: { gatewayId: string; compartmentId: string; pathPrefix: string; specification: unknown },
) {
  const { deployment } = apiGatewayClients(world.url, world.me);
  const created = await deployment.createDeployment({
    createDeploymentDetails: { ...details, specification: details.specification as never },
  });
  return deployment.getDeployment({ deploymentId: created.deployment.id });
}
