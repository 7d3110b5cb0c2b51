// The decisions behind auth: oidc and oci-token, table-driven: what fn-context's auth: oidc refuses before
// the exchange, how a token endpoint's refusal becomes the one line a user reads, how scopes are
// qualified, what a session profile looks like, and which answers of a token endpoint are retried
// (429/5xx/resets) and which are final (400/401).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { renderProfile } from "../src/oci/auth/config-file.ts";
import { postTokenForm } from "../src/oci/auth/token-endpoint.ts";
import { explainExchangeFailure } from "../src/oci/auth/upst-exchange.ts";
import { fullyQualifiedScopes } from "../src/steps/oci-token.ts";
import { refusalTable, tripwire } from "./support/input-table.ts";

const exchange = {
  clientId: "app-1",
  audience: "aud-1",
  identityDomainUrl: "https://idcs-x.identity.oraclecloud.com",
};

describe("token exchange refusals become one explained line", () => {
  // invalid_client, unauthorized_client, an expired subject token, an untrusted audience, no
  // impersonation rule and no propagation trust, as the identity domain sends them and a user reads
  // them: oci-auth-oidc.test.ts "fn-context auth: oidc explains every refusal".
  const cases: [number, { error?: string; description?: string }, RegExp][] = [
    [400, { error: "invalid_scope", description: "x" }, /^client-id .*"Token exchange" grant type/],
    [
      404,
      {},
      /^identity-domain-url: https:\/\/idcs-x\.identity\.oraclecloud\.com has no OAuth token endpoint/,
    ],
    [
      400,
      { error: "server_said_no" },
      /^auth: oidc: the identity domain refused the token exchange \(server_said_no\)\.$/,
    ],
  ];
  for (const [status, body, expected] of cases) {
    it(`${status} ${body.error ?? ""} ${body.description ?? ""}`, () => {
      const message = explainExchangeFailure(status, body, exchange).message;
      assert.match(message, expected);
      assert.doesNotMatch(message, /\n/);
    });
  }
});

describe("fn-context auth: oidc refuses bad input before the token exchange", () => {
  // In process (test/support/input-table.ts): the identity domain is the tripwire, which none may reach.
  // An unknown auth: inputs-gathered.test.ts; identity-domain-url's form: fn-context-plan.test.ts.
  const base = async () => {
    const { url } = await tripwire();
    return {
      inputs: {
        auth: "oidc",
        "identity-domain-url": url,
        "client-id": "fngate-ci",
        "client-secret": "idcs-secret-0123456789abcdef",
        "oidc-audience": "https://fngate.example/oci",
        "tenancy-ocid": "ocid1.tenancy.oc1..aaaaaaaatenancy1",
        region: "ap-tokyo-1",
      },
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/token`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token" },
    };
  };
  refusalTable("fn-context", base, {
    "without `permissions: id-token: write`": [
      {},
      "auth: oidc needs `permissions: id-token: write` in the workflow or job.",
      { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
    ],
    "an API key input next to auth: oidc": [
      { "private-key": "an API key pasted by habit" },
      /^private-key is an API key input, but auth is oidc: remove private-key/,
    ],
    "without client-secret: one line naming it (no public client path)": [
      { "client-secret": undefined },
      "client-secret (oci-client-secret in the root action) is required with auth: oidc: the identity domain authenticates the token exchange's confidential application by its client ID and secret; copy the secret from Identity > Domains > Integrated applications > OAuth configuration into a repository secret.",
    ],
  });
});

describe("inputs checked without a call", () => {
  // identity-domain-url (https, no path, trailing slash dropped): fn-context-plan.test.ts.
  it("scopes: <audience>-<scope>, a qualified one as is, the unhyphenated form refused, at most 10", () => {
    const audience = "https://a.example.com";
    assert.deepEqual(
      fullyQualifiedScopes({
        scopes: ["urn:a", `${audience}-urn:b`, "https://other.example.com-urn:c"],
        audience,
      }),
      [`${audience}-urn:a`, `${audience}-urn:b`, "https://other.example.com-urn:c"],
    );
    assert.deepEqual(fullyQualifiedScopes({ scopes: ["urn:a"], audience: `${audience}-` }), [
      `${audience}-urn:a`,
    ]);
    assert.deepEqual(fullyQualifiedScopes({ scopes: [`${audience}-urn:a`] }), [`${audience}-urn:a`]);
    assert.throws(
      () => fullyQualifiedScopes({ scopes: [`${audience}urn:a`] }),
      /^UserError: scope https:\/\/a\.example\.comurn:a joins the audience and the scope without the hyphen OCI expects: write https:\/\/a\.example\.com-urn:a\.$/,
    );
    assert.throws(
      () => fullyQualifiedScopes({ scopes: [`${audience}urn:a`], audience }),
      /write https:\/\/a\.example\.com-urn:a, or just urn:a with audience set\.$/,
    );
    assert.throws(
      () => fullyQualifiedScopes({ scopes: ["urn:a"] }),
      /^UserError: scope urn:a is not fully qualified: set audience/,
    );
    assert.throws(
      () => fullyQualifiedScopes({ scopes: ["urn:a"], audience: "a.example.com" }),
      /^UserError: audience "a\.example\.com" is not an audience/,
    );
    assert.throws(() => fullyQualifiedScopes({ scopes: [] }), /^UserError: scope is required/);
    assert.throws(
      () => fullyQualifiedScopes({ scopes: Array.from({ length: 11 }, (_, i) => `s${i}`) }),
      /at most 10/,
    );
  });

  it("a session profile has security_token_file and no user; an API key profile the reverse", () => {
    const common = {
      name: "CI",
      fingerprint: "aa",
      tenancy: "ocid1.tenancy.oc1..x",
      region: "ap-tokyo-1",
      keyFile: "/k",
    };
    assert.equal(
      renderProfile({ ...common, securityTokenFile: "/t" }),
      "[CI]\nfingerprint=aa\ntenancy=ocid1.tenancy.oc1..x\nregion=ap-tokyo-1\nkey_file=/k\nsecurity_token_file=/t\n",
    );
    assert.equal(
      renderProfile({ ...common, user: "ocid1.user.oc1..u" }),
      "[CI]\nuser=ocid1.user.oc1..u\nfingerprint=aa\ntenancy=ocid1.tenancy.oc1..x\nregion=ap-tokyo-1\nkey_file=/k\n",
    );
  });
});

describe("token endpoint retries", () => {
  async function endpoint(statuses: number[]) {
    const seen: { authorization?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        seen.push({
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          body,
        });
        const status = statuses[Math.min(seen.length - 1, statuses.length - 1)] ?? 200;
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ status }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
    return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it("429 and 503 are retried until the answer is final; basic auth is sent raw", async () => {
    const server = await endpoint([429, 503, 200]);
    try {
      const answer = await postTokenForm({
        url: server.url,
        form: { grant_type: "client_credentials", scope: "a b" },
        basicAuth: { id: "ocid1.credential.oc1..x", secret: "{secret" },
        inputName: "region",
      });
      assert.equal(answer.status, 200);
      assert.equal(server.seen.length, 3);
      assert.equal(
        server.seen[0]?.authorization,
        `Basic ${Buffer.from("ocid1.credential.oc1..x:{secret").toString("base64")}`,
      );
      assert.equal(server.seen[0]?.body, "grant_type=client_credentials&scope=a+b");
    } finally {
      await server.close();
    }
  });

  it("400 and 401 are final after one call", async () => {
    for (const status of [400, 401]) {
      const server = await endpoint([status]);
      try {
        const answer = await postTokenForm({ url: server.url, form: {}, inputName: "region" });
        assert.equal(answer.status, status);
        assert.equal(server.seen.length, 1);
      } finally {
        await server.close();
      }
    }
  });

  it("an endpoint that keeps failing ends in one line naming the input", async () => {
    const server = await endpoint([503]);
    try {
      await assert.rejects(
        postTokenForm({ url: server.url, form: {}, inputName: "identity-domain-url", deadlineMs: 100 }),
        /^UserError: identity-domain-url: http:\/\/127\.0\.0\.1:\d+ did not answer usefully \(HTTP 503\); check the URL/,
      );
    } finally {
      await server.close();
    }
  });
});
