// The likely cause of a failed smoke test on Cloud Run and Function Compute is worded for the platform
// that answered: Cloud Run checks the ID token and roles/run.invoker before the container runs, a Function
// Compute trigger checks only the signature (against its stored JWKS) and expiry, and neither has an OCI
// gateway or IAM policy to blame. The pipelines say which platform answers; the standalone smoke-test
// action knows it from the URL's host. In process for every branch here; through the pipelines in
// cloud-run-rollout-build.test.ts (a first revision answering 500) and fc-rollout.test.ts (a broken version).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JWTPayload } from "jose";
import { diagnoseFailure } from "../src/steps/smoke-diagnosis.ts";
import { failureCause } from "../src/steps/smoke-failure-cause.ts";
import { platformOfUrl } from "../src/steps/smoke-platform-causes.ts";

const NOW = 1_800_000_000;
const RUN_URL = "https://hello-abc123-an.a.run.app/";
const FC_URL = "https://hello-xyz.cn-hangzhou.fcapp.run/";
const token = {
  aud: "https://hello-abc123-an.a.run.app",
  iss: "https://accounts.google.com",
  exp: NOW + 600,
};

describe("the platform from the URL's host", () => {
  const cases: [string, string | undefined][] = [
    ["https://hello-abc123-an.a.run.app/", "cloud-run"],
    ["https://hello-123456789.asia-northeast1.run.app/api", "cloud-run"],
    ["https://1a2b3c.cn-hangzhou.fcapp.run/", "fc"],
    ["https://abcdef.apigateway.ap-tokyo-1.oci.customer-oci.com/v1/hello", "oci-gateway"],
    ["https://api.example.com/hello", undefined],
    ["not a url", undefined],
  ];
  for (const [url, platform] of cases) it(url, () => assert.equal(platformOfUrl(url), platform));
});

describe("Cloud Run's refusals and answers", () => {
  const cause = (status: number, claims?: JWTPayload | "undecodable") =>
    diagnoseFailure({ status, url: RUN_URL, method: "GET", claims, nowSeconds: NOW, platform: "cloud-run" });
  it("401: an ID token for the service's URL, with the token's aud and iss", () => {
    assert.equal(
      cause(401, { ...token, aud: "api://elsewhere" }),
      `Cloud Run refused the token (401): it takes a Google-signed ID token (not an access token) whose aud is the service's URL or one of its custom audiences; the token has aud "api://elsewhere" and iss "https://accounts.google.com" (https://cloud.google.com/run/docs/authenticating/service-to-service).`,
    );
    assert.match(
      cause(401, { ...token, exp: NOW - 60 }) ?? "",
      /; expiry: the token expired at 2027-01-15T07:59:00Z;/,
    );
    assert.match(cause(401, "undecodable") ?? "", /^Cloud Run refused the token \(401\): it is not a JWT; /);
  });
  it("403: roles/run.invoker for the caller the token names", () => {
    assert.equal(
      cause(403, { ...token, email: "caller@p.iam.gserviceaccount.com" }),
      `Cloud Run found the caller "caller@p.iam.gserviceaccount.com" not allowed to invoke the service (403): grant it roles/run.invoker on the service (cloud-run-deploy's invokers input, the pipeline's invoker-service-account) and call with its ID token (https://cloud.google.com/run/docs/troubleshooting).`,
    );
  });
  it("404, 503 and the container's own 500; nothing to say of a 418", () => {
    assert.match(
      cause(404) ?? "",
      /^Cloud Run answered 404: a service whose ingress is internal .* serves nothing at \/\.$/,
    );
    assert.match(cause(503) ?? "", /^Cloud Run answered 503: the revision could not serve/);
    assert.match(
      cause(500) ?? "",
      /^the function itself answered 500 \(Cloud Run passes the container's answer through\)/,
    );
    assert.equal(cause(418), undefined);
  });
  it("the standalone action: a run.app URL is Cloud Run's, never the OCI gateway's policy", async () => {
    const found = await failureCause(
      { status: 500, url: RUN_URL, method: "GET", token: undefined },
      undefined,
      undefined,
      NOW,
    );
    assert.match(found ?? "", /^the function itself answered 500/);
  });
});

describe("Function Compute's refusals and answers", () => {
  const cause = (status: number, claims?: JWTPayload | "undecodable") =>
    diagnoseFailure({ status, url: FC_URL, method: "GET", claims, nowSeconds: NOW, platform: "fc" });
  it("401 or 403: the trigger's stored JWKS or the function's own claim check, with the claims it reads", () => {
    assert.equal(
      cause(401, {
        aud: "api://other",
        iss: "https://login.microsoftonline.com/t/v2.0",
        tid: "t",
        exp: NOW + 60,
      }),
      `the token was refused (401) either by the HTTP trigger's JWT check, before the function ran (its signature must match a key of the JWKS stored in the trigger, a copy taken when fc-deploy wrote it: if the issuer rotated its keys since, deploy again), or by the function's own check of the claims the trigger forwards (the token has aud "api://other", iss "https://login.microsoftonline.com/t/v2.0", tid "t") (https://www.alibabacloud.com/help/en/functioncompute/fc/user-guide/configure-jwt-authentication-for-an-http-trigger).`,
    );
    assert.match(
      cause(403, { exp: NOW - 1 }) ?? "",
      /^the HTTP trigger's JWT authentication refused the token \(403\): expiry: /,
    );
    assert.match(cause(401, "undecodable") ?? "", /refused the token \(401\): it is not a JWT/);
  });
  it("404, the function's 502 and its own 500", () => {
    assert.match(
      cause(404) ?? "",
      /^no HTTP trigger or function path answers \/: call fc-deploy's http-trigger-url output/,
    );
    assert.match(
      cause(502) ?? "",
      /^the function failed \(Function Compute answers 502 when the function throws/,
    );
    assert.equal(cause(500), "the function itself answered 500: read the function's logs for its error.");
  });
});
