import { BlockList, isIP } from "node:net";
import { UserError } from "../errors.ts";
import type { EndpointOverrides } from "../step-context.ts";
import { checkInputText } from "./check-input-text.ts";

/** The variables that point fngate at another base URL for a cloud (private endpoints, proxies, emulators). */
export const ENDPOINT_VARIABLES = {
  oci: "FNGATE_OCI_ENDPOINT",
  gcp: "FNGATE_GCP_ENDPOINT",
  alibaba: "FNGATE_ALIBABA_ENDPOINT",
} as const;

/**
 * FNGATE_<CLOUD>_ENDPOINT overrides, trailing slashes removed; unset or blank means the real cloud.
 * Every signed request, key and token of that cloud goes to this URL, so it is held to what a cloud
 * endpoint is: https://, or http:// to this machine only (an emulator, a local tunnel), and never
 * with a user name or password in it. Refusals name the variable and never quote its value.
 */
export function endpointOverrides(env: NodeJS.ProcessEnv): EndpointOverrides {
  const endpoints: EndpointOverrides = {};
  for (const [key, variable] of Object.entries(ENDPOINT_VARIABLES) as [keyof EndpointOverrides, string][]) {
    const value = env[variable]?.trim();
    if (value) endpoints[key] = checkEndpoint(variable, value).replace(/\/+$/, "");
  }
  return endpoints;
}

function checkEndpoint(variable: string, value: string): string {
  checkInputText(variable, value, { multiLine: false, holds: "url" });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(
      `${variable} is not a URL: set it to a base URL such as https://oci.internal.example:8443, or unset it to use the cloud's own endpoints.`,
    );
  }
  if (url.protocol === "https:") return value;
  if (url.protocol === "http:") {
    if (isLoopback(url.hostname)) return value;
    throw new UserError(
      `${variable} is an http:// URL to another machine: requests, keys and tokens would cross the network unencrypted; use https:// (http:// is allowed only for 127.0.0.0/8, ::1 and localhost).`,
    );
  }
  throw new UserError(`${variable} must be an https:// URL such as https://oci.internal.example:8443.`);
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** 127.0.0.0/8, ::1 (as URL writes it, [::1]) and localhost: names and addresses that never leave the machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[(.+)\]$/, "$1").toLowerCase();
  if (host === "localhost") return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? "ipv4" : "ipv6");
}
