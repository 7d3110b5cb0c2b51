// What oci-token puts on the wire, through the built action: the exact form body OCI's /oauth2/token
// receives for one scope and for several, with and without audience, and for a scope given fully
// qualified. Oracle's page (seed 003) joins the audience and the scope with a hyphen and adds each
// further scope as another `scope=` argument; the emulator takes exactly that and refuses the
// space-separated, unhyphenated form an earlier version sent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { identityDomainOf, type OAuthCredential } from "./emulators/oci-identity-domain/store.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { Job } from "./runner/index.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";

const AUDIENCE = "https://fngate-api.example.oraclecloud.com";
const OTHER = "https://2aexampley3uytc.analytics.ocp.oraclecloud.com";
const CONSUMER = "urn:opc:resource:consumer::all";
const INVOKE = "urn:opc:resource:fngate::invoke";
let oci: OciFixture;
let credential: OAuthCredential;

before(async () => {
  oci = await startOciFixture();
  trustCaInProcess(oci.stack.caPem);
  credential = identityDomainOf(oci.stack.oci.state, oci.stack.oci.now).addCredential({
    tenancyId: oci.tenancyId,
    scopes: [
      { audience: AUDIENCE, scope: CONSUMER },
      { audience: AUDIENCE, scope: INVOKE },
      { audience: OTHER, scope: CONSUMER },
    ],
  });
});
after(async () => {
  await oci?.close();
});

const bodies = () => identityDomainOf(oci.stack.oci.state).clientCredentialsBodies;
const form = (...scopes: string[]) =>
  new URLSearchParams([
    ["grant_type", "client_credentials"],
    ...scopes.map((s): [string, string] => ["scope", s]),
  ]).toString();

/** Runs oci-token and returns the one body the token endpoint received. */
async function sentBody(scope: string, audience?: string): Promise<string> {
  await using job = await Job.create({ env: oci.env });
  const seen = bodies().length;
  const run = await job.run("oci-token", {
    inputs: {
      "credential-ocid": credential.id,
      "credential-secret": credential.secret,
      region: "us-ashburn-1",
      scope,
      ...(audience === undefined ? {} : { audience }),
    },
  });
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  assert.equal(bodies().length, seen + 1, "one token request");
  return bodies()[seen] ?? "";
}

describe("oci-token sends Oracle's wire format", () => {
  it("one short scope with audience: scope=<audience>-<scope>", async () => {
    const body = await sentBody(CONSUMER, AUDIENCE);
    assert.equal(body, form(`${AUDIENCE}-${CONSUMER}`));
    assert.equal(
      body,
      "grant_type=client_credentials&scope=https%3A%2F%2Ffngate-api.example.oraclecloud.com-urn%3Aopc%3Aresource%3Aconsumer%3A%3Aall",
    );
  });

  it("several scopes with audience: one scope parameter each", async () => {
    assert.equal(
      await sentBody(`${CONSUMER}\n${INVOKE}`, AUDIENCE),
      form(`${AUDIENCE}-${CONSUMER}`, `${AUDIENCE}-${INVOKE}`),
    );
  });

  it("fully qualified scopes without audience, of two audiences, pass as they are", async () => {
    assert.equal(
      await sentBody(`${AUDIENCE}-${INVOKE} ${OTHER}-${CONSUMER}`),
      form(`${AUDIENCE}-${INVOKE}`, `${OTHER}-${CONSUMER}`),
    );
  });

  it("a fully qualified scope beside a short one with audience is not qualified twice", async () => {
    assert.equal(
      await sentBody(`${OTHER}-${CONSUMER}, ${INVOKE}`, AUDIENCE),
      form(`${OTHER}-${CONSUMER}`, `${AUDIENCE}-${INVOKE}`),
    );
  });
});

describe("the token endpoint takes only that format", () => {
  async function post(body: string): Promise<{ status: number; error?: string }> {
    const basic = Buffer.from(`${credential.id}:${credential.secret}`).toString("base64");
    const response = await fetch(`${oci.stack.endpoints.oci}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
      body,
    });
    const answer = (await response.json()) as { error?: string };
    return { status: response.status, ...(answer.error ? { error: answer.error } : {}) };
  }

  it("accepts <audience>-<scope> per parameter", async () => {
    assert.deepEqual(await post(form(`${AUDIENCE}-${CONSUMER}`, `${OTHER}-${CONSUMER}`)), { status: 200 });
  });

  it("refuses the unhyphenated scope and a space-separated list in one parameter", async () => {
    assert.deepEqual(await post(form(`${AUDIENCE}${CONSUMER}`)), { status: 400, error: "invalid_scope" });
    assert.deepEqual(await post(form(`${AUDIENCE}-${CONSUMER} ${AUDIENCE}-${INVOKE}`)), {
      status: 400,
      error: "invalid_scope",
    });
    assert.deepEqual(await post(form(CONSUMER)), { status: 400, error: "invalid_scope" });
  });
});
