// FNGATE_*_ENDPOINT: every signed request, key and token of a cloud goes to this base URL, so it is
// held to https://, or http:// to this machine only, and never carries a user name or password. The
// refusal is one line naming the variable, never its value.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isUserError } from "../src/errors.ts";
import { endpointOverrides } from "../src/inputs/endpoint-overrides.ts";

describe("FNGATE_*_ENDPOINT", () => {
  const accepted: [string, string][] = [
    ["https://oci.internal.example:8443/", "https://oci.internal.example:8443"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["http://127.8.9.10", "http://127.8.9.10"],
    ["http://[::1]:9000//", "http://[::1]:9000"],
    ["http://localhost:9000", "http://localhost:9000"],
    ["http://LOCALHOST:9000", "http://LOCALHOST:9000"],
  ];
  for (const [value, expected] of accepted) {
    it(`accepts ${value}`, () => {
      for (const variable of ["FNGATE_OCI_ENDPOINT", "FNGATE_GCP_ENDPOINT", "FNGATE_ALIBABA_ENDPOINT"]) {
        const key = variable.split("_")[1]?.toLowerCase() as "oci" | "gcp" | "alibaba";
        assert.equal(endpointOverrides({ [variable]: value })[key], expected);
      }
    });
  }

  const refused: [string, RegExp][] = [
    [
      "http://oci.example.test",
      /is an http:\/\/ URL to another machine: .* use https:\/\/ \(http:\/\/ is allowed only for 127\.0\.0\.0\/8, ::1 and localhost\)\.$/,
    ],
    ["http://128.0.0.1:80", /is an http:\/\/ URL to another machine/],
    ["http://localhost.example.test", /is an http:\/\/ URL to another machine/],
    ["http://[::2]", /is an http:\/\/ URL to another machine/],
    ["https://ci:endpoint-password-1@oci.example.test", /must not carry a user name or password/],
    ["http://ci:endpoint-password-1@127.0.0.1:9", /must not carry a user name or password/],
    ["https://oci.example.test\n.evil.example", /contains a line feed/],
    ["ftp://oci.example.test", /must be an https:\/\/ URL such as https:\/\/oci\.internal\.example:8443\.$/],
    ["oci.example.test:8443", /must be an https:\/\/ URL|is not a URL/],
    ["not a url", /is not a URL: set it to a base URL/],
  ];
  for (const [value, message] of refused) {
    it(`refuses ${JSON.stringify(value)} with one line naming the variable, not its value`, () => {
      for (const variable of ["FNGATE_OCI_ENDPOINT", "FNGATE_GCP_ENDPOINT", "FNGATE_ALIBABA_ENDPOINT"]) {
        assert.throws(
          () => endpointOverrides({ [variable]: value }),
          (error: unknown) => {
            assert.ok(isUserError(error), `a UserError, got ${String(error)}`);
            const line = error.message;
            assert.ok(line.startsWith(`${variable} `), line);
            assert.match(line, message);
            assert.ok(!line.includes("example.test") && !line.includes("endpoint-password"), line);
            return true;
          },
        );
      }
    });
  }
});
