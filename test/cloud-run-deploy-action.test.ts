// The Cloud Run path as a workflow runs it (runner harness, bundled actions, the Google emulator):
// deploy private, get an ID token keylessly, and prove with smoke-test that the service answers the
// token (200) and refuses no token (403) and a wrong-audience token (401); internal ingress hides the
// service from outside (404); invoker updates keep other bindings; a re-run changes nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type CloudRunFixture,
  errorsOf,
  IMAGE_V2,
  PROJECT,
  REGION,
  startCloudRunFixture,
} from "./emulators/gcp/fixture.ts";
import type { Job } from "./runner/index.ts";
import { stepPassed } from "./support/passed.ts";

let fx: CloudRunFixture;
before(async () => {
  fx = await startCloudRunFixture();
});
after(async () => {
  await fx?.close();
});

const serviceName = (service: string) => `projects/${PROJECT}/locations/${REGION}/services/${service}`;

async function idToken(job: Job, audience: string): Promise<string> {
  const run = await stepPassed(job, "gcp-id-token", {
    audience,
    "workload-identity-provider": fx.provider,
    "service-account": fx.caller.email,
  });
  return run.outputs["id-token"] ?? "";
}

function resultsOf(run: { outputs: Record<string, string> }): Record<string, string> {
  const results = JSON.parse(run.outputs.results ?? "[]") as { check: string; answered: string }[];
  return Object.fromEntries(results.map((r) => [r.check, r.answered]));
}

describe("cloud-run-deploy: private by default, proven by smoke-test", () => {
  it("deploys private; 200 with an ID token for the URL, 403 without, 401 for another audience", async () => {
    await using job = await fx.job();
    const deploy = await stepPassed(job, "cloud-run-deploy", fx.deployInputs("sample-function-1"));
    const url = deploy.outputs.url ?? "";
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+\/sample-function-1-\d+\.asia-northeast1$/);
    assert.match(deploy.outputs.revision ?? "", /^sample-function-1-00001-[0-9a-f]{3}$/);
    assert.equal(deploy.outputs.changed, "true");
    assert.match(
      deploy.stdout,
      /Creating service .*sample-function-1 \(ingress all, authentication required\)/,
    );
    const service = fx.stack.gcp.state.services.get(serviceName("sample-function-1"));
    assert.equal(service?.body.invokerIamDisabled, false);

    const token = await idToken(job, url);
    const otherAudience = await idToken(job, `${url}-other`);
    const smoke = await stepPassed(job, "smoke-test", {
      url,
      token,
      "refused-token": otherAudience,
      "expect-body": "Hello World!",
      "negative-checks": "refused-token, tampered-signature, alg-none, malformed",
      "unauthorized-status": "401",
    });
    assert.deepEqual(resultsOf(smoke), {
      "with token": "200",
      "refused-token": "401",
      "tampered-signature": "401",
      "alg-none": "401",
      malformed: "401",
    });
    // The seed's own phrasing of the check: either refusal counts as refused (no token gets 403).
    const anonymous = await stepPassed(job, "smoke-test", {
      url,
      token,
      "unauthorized-status": "401, 403",
      "negative-checks": "no-token, malformed",
    });
    assert.deepEqual(resultsOf(anonymous), { "with token": "200", "no-token": "403", malformed: "401" });
  });

  it("a caller without roles/run.invoker is refused with 403; a re-run changes nothing, a new image is one update", async () => {
    await using job = await fx.job();
    const inputs = fx.deployInputs("invoker-only");
    const deploy = await stepPassed(job, "cloud-run-deploy", inputs);
    const url = deploy.outputs.url ?? "";
    const outsider = await stepPassed(job, "gcp-id-token", {
      audience: url,
      "credentials-json": fx.outsider.json,
    });
    assert.equal(outsider.outputs.email, fx.outsider.email);
    await stepPassed(job, "smoke-test", {
      url,
      token: outsider.outputs["id-token"] ?? "",
      "expect-status": "403",
      "negative-checks": "none",
      wait: "0",
    });

    // Every setting's no-op, ingress and env among them: test/cloud-run-settings.test.ts.
    const before = fx.mutatingCalls();
    const again = await stepPassed(job, "cloud-run-deploy", inputs);
    assert.equal(fx.mutatingCalls(), before, "no create, update or setIamPolicy");
    assert.equal(again.outputs.changed, "false");
    assert.equal(again.outputs.url, url);
    assert.equal(again.outputs.revision, deploy.outputs.revision);
    assert.match(again.stdout, /already has this image and settings: nothing to change/);
    assert.match(again.stdout, /Nothing changed \(changed=false\)/);
    const update = await stepPassed(job, "cloud-run-deploy", { ...inputs, image: IMAGE_V2 });
    assert.equal(update.outputs.changed, "true");
    assert.match(update.stdout, /Updating service .*invoker-only: image\./);
    assert.match(update.outputs.revision ?? "", /^invoker-only-00002-/);
    assert.equal(fx.mutatingCalls(), before + 1, "one PATCH, no IAM write");
  });

  it("ingress internal: 404 from outside, the function's answer from inside the VPC", async () => {
    await using job = await fx.job();
    const deploy = await stepPassed(
      job,
      "cloud-run-deploy",
      fx.deployInputs("internal-fn", { ingress: "internal" }),
    );
    const url = deploy.outputs.url ?? "";
    const token = await idToken(job, url);
    await stepPassed(job, "smoke-test", {
      url,
      token,
      "expect-status": "404",
      "expect-body": "Page not found",
      "negative-checks": "none",
      wait: "0",
    });
    await stepPassed(job, "smoke-test", {
      url: `${fx.stack.gcp.internalUrlOf(url)}?name=Developer`,
      token,
      "expect-body": "Hello Developer!",
      "negative-checks": "no-token",
      "unauthorized-status": "403",
    });
    const stored = fx.stack.gcp.state.services.get(serviceName("internal-fn"));
    assert.equal(stored?.body.ingress, "INGRESS_TRAFFIC_INTERNAL_ONLY");
  });
});

describe("cloud-run-deploy: invoker IAM", () => {
  it("keeps another member's binding and other roles when adding invokers", async () => {
    await using job = await fx.job();
    await stepPassed(job, "cloud-run-deploy", fx.deployInputs("shared-fn"));
    const resource = serviceName("shared-fn");
    // Someone else granted these meanwhile (console, another pipeline).
    const policy = fx.stack.gcp.state.policies.get(resource);
    assert.ok(policy);
    policy.bindings = [
      {
        role: "roles/run.invoker",
        members: [`serviceAccount:${fx.caller.email}`, "user:alice@example.com"],
      },
      { role: "roles/run.developer", members: ["group:devs@example.com"] },
    ];
    policy.etag = Buffer.from("changed-elsewhere").toString("base64");
    // And the first write loses a race: Cloud Run answers 409 ABORTED, the merge is redone.
    fx.stack.gcp.state.faults.next(1, { status: 409 }, /:setIamPolicy$/);
    const update = await stepPassed(
      job,
      "cloud-run-deploy",
      fx.deployInputs("shared-fn", {
        invokers: `serviceAccount:${fx.caller.email}\nserviceAccount:${fx.outsider.email}`,
      }),
    );
    assert.equal(update.outputs.changed, "true");
    assert.equal(fx.stack.gcp.state.faults.pending, 0, "the 409 was answered and the write retried");
    assert.deepEqual(fx.stack.gcp.state.policies.get(resource)?.bindings, [
      {
        role: "roles/run.invoker",
        members: [
          `serviceAccount:${fx.caller.email}`,
          "user:alice@example.com",
          `serviceAccount:${fx.outsider.email}`,
        ],
      },
      { role: "roles/run.developer", members: ["group:devs@example.com"] },
    ]);
  });

  it("allUsers only with allow-unauthenticated: true, and taken off again when it is false", async () => {
    await using job = await fx.job();
    const open = await stepPassed(
      job,
      "cloud-run-deploy",
      fx.deployInputs("public-fn", { "allow-unauthenticated": "true" }),
    );
    const url = open.outputs.url ?? "";
    await stepPassed(job, "smoke-test", { url, "negative-checks": "none" });

    const closed = await stepPassed(job, "cloud-run-deploy", fx.deployInputs("public-fn"));
    assert.equal(closed.outputs.changed, "true");
    assert.ok(
      closed.annotations.some(
        (a) => a.level === "warning" && /Removed allUsers from roles\/run\.invoker/.test(a.message),
      ),
      closed.stdout,
    );
    const refused = await stepPassed(job, "smoke-test", {
      url,
      "expect-status": "403",
      "negative-checks": "none",
      wait: "0",
    });
    assert.deepEqual(errorsOf(refused), []);
  });
});
