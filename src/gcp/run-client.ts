import "./commonjs-globals.ts";
import { ServicesClient } from "@google-cloud/run/build/src/v2/services_client.js";
import type { AuthClient } from "google-auth-library";
import type { GoogleEndpoints } from "./google-endpoints.ts";

/**
 * The Cloud Run Admin API v2 client over REST (HTTP/1.1 JSON) rather than gRPC: one transport that
 * works through proxies and private endpoints, and a smaller bundle.
 */
export function runServicesClient(auth: AuthClient, endpoints: GoogleEndpoints): ServicesClient {
  return new ServicesClient({
    fallback: true,
    authClient: auth,
    apiEndpoint: endpoints.runApiEndpoint,
    port: endpoints.runApiPort,
    protocol: "https",
  });
}
