/**
 * What every step receives besides its typed inputs. Steps never read process.env or call @actions/*:
 * the GitHub adapter and the CLI adapter each build one of these, and tests can build one too.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  /**
   * Runs `work` inside a log section named `name`, for a long build or wait: a foldable group on
   * GitHub, a header line in the CLI. Sections do not nest (GitHub's groups cannot): inside one, the
   * name is a plain line and `work` just runs.
   */
  group<T>(name: string, work: () => Promise<T>): Promise<T>;
}

export interface SecretRegistrar {
  /** Marks a value as secret so no log shows it. Call it before the value is used for anything else. */
  register(value: string): void;
}

/** Endpoint overrides for private endpoints, proxies and the emulators (FNGATE_*_ENDPOINT). */
export interface EndpointOverrides {
  /** FNGATE_OCI_ENDPOINT: every OCI service (control planes, identity domain, OAuth2 token). */
  oci?: string;
  /** FNGATE_GCP_ENDPOINT: Cloud Run Admin, STS, IAM Credentials and OAuth2 token endpoints. */
  gcp?: string;
  /** FNGATE_ALIBABA_ENDPOINT: Function Compute, STS and RAM endpoints. */
  alibaba?: string;
}

/**
 * The proxy the runner asks for (HTTPS_PROXY, HTTP_PROXY, NO_PROXY). Clients built on Node's fetch
 * follow it through the global dispatcher the adapter installs; clients with their own HTTP stack
 * (msal-node, the Alibaba SDK) are given it explicitly.
 */
export interface ProxySettings {
  httpsProxy?: string;
  httpProxy?: string;
  /** Comma-separated hosts, domains (.example.com) or `*`, as curl reads NO_PROXY. */
  noProxy?: string;
}

/** What the retry policies need of a proxy's refusal: whether it is for good, and since when. */
export interface ProxyRefusal {
  /** 403 Forbidden or 407 Proxy Authentication Required: no retry will change it. */
  permanent: boolean;
  at: Date;
}

export interface StepContext {
  logger: Logger;
  secrets: SecretRegistrar;
  endpoints: EndpointOverrides;
  proxy: ProxySettings;
  /** The user's home folder: where tool configuration (~/.oci, ~/.fn) lives. */
  homeDir: string;
  /** A private scratch folder removed after the job (RUNNER_TEMP on GitHub). */
  tempDir: string;
  /**
   * The folder path inputs must stay inside (GITHUB_WORKSPACE on GitHub, the current directory for
   * the CLI): what a step builds into an image or zips into a package comes from there only.
   */
  workspaceDir: string;
  now(): Date;
  signal?: AbortSignal;
  /** The last call the runner's proxy refused or dropped in this run, if any (see src/http/runner-proxy.ts). */
  proxyRefusal?(): ProxyRefusal | undefined;
}
