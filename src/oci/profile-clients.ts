import type {
  AuthParams,
  ClientConfiguration,
  ConfigFileAuthenticationDetailsProvider,
  RetryConfiguration,
} from "oci-common";
import { profileAuthProvider } from "./auth/auth-provider.ts";
import type { OciClientOptions } from "./call-options.ts";
import { ociRetryConfiguration } from "./retry-policy.ts";

interface SdkClient {
  endpoint: string;
  close(): void;
}

type SdkClientClass<C extends SdkClient> = new (params: AuthParams, configuration?: ClientConfiguration) => C;

export interface ProfileClients {
  provider: ConfigFileAuthenticationDetailsProvider;
  /** A client of `Client`; `only` sets another retry policy or endpoint for this one client. */
  make<C extends SdkClient>(
    Client: SdkClientClass<C>,
    only?: { retryConfiguration: RetryConfiguration; endpoint: string },
  ): C;
  /** Closes every client made. */
  close(): void;
}

/**
 * Makes OCI SDK clients the way every fngate call wants them: signed with the profile fn-context wrote,
 * retried by the shared policy, and sent to FNGATE_OCI_ENDPOINT when it is set (their profile's
 * region otherwise). The SDK classes are passed in, so each step's bundle loads only the SDKs it uses.
 */
export function profileClients(options: OciClientOptions, defaultRetrySeconds: number): ProfileClients {
  const provider = profileAuthProvider(options.configFile, options.profile);
  const retryConfiguration = ociRetryConfiguration(options.retrySeconds ?? defaultRetrySeconds, options);
  const made: SdkClient[] = [];
  return {
    provider,
    make: (Client, only) => {
      const client = new Client(
        { authenticationDetailsProvider: provider },
        { retryConfiguration: only?.retryConfiguration ?? retryConfiguration },
      );
      const endpoint = only?.endpoint ?? options.endpoint;
      if (endpoint) client.endpoint = endpoint;
      made.push(client);
      return client;
    },
    close: () => {
      for (const client of made) client.close();
    },
  };
}
