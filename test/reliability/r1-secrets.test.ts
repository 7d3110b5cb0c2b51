// R1 secrets: the whole pipeline (the root action) run with every kind of secret it can be given or
// obtain: an API key given encrypted, its passphrase, the OCIR auth token or the registry token OCIR
// issued instead, an Entra client secret, a certificate key, the access tokens Entra issued and the
// GitHub OIDC token used as a federated assertion. Every byte a workflow could see or find afterwards is scanned for each of them as is,
// base64- and URL-encoded: stdout and stderr (minus the ::add-mask:: lines the runner consumes),
// GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE, step summaries, annotations (workflow commands on stdout),
// and every file under the job's HOME, RUNNER_TEMP and workspace after the post steps
// (Job.allWrittenText). The figure is the number of occurrences found, which must be 0.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SigningKeys } from "../emulators/entra/signing-keys.ts";
import { assertUserFailure } from "../runner/index.ts";
import { encryptedPkcs1, encryptedPkcs8, type TestKey } from "../support/keys.ts";
import { secretNeedles } from "../support/secret-scan.ts";
import { printFigure } from "./figures.ts";
import {
  type Credential,
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./pipeline-fixture.ts";

// Characters that change under base64 and URL encoding, so the encoded forms are really different.
const PASSPHRASE = "pass phrase/with+chars&=%";

let fx: PipelineFixture;
/**
 * The registry login as docker stores it: `auth` is base64("user:token"), and base64 of the token
 * alone is not a substring of that (the alignment differs), so the pair is searched as a secret too.
 */
const dockerAuth = () => `${fx.oci.namespace}/ci-user:${fx.authToken}`;
/** The API key in every form the pipeline is given or writes, and the registry login. */
const keyAndLogin = (encryptedKey: string) => [
  PASSPHRASE,
  encryptedKey,
  fx.oci.key.pkcs8,
  fx.oci.key.pkcs1,
  fx.authToken,
  dockerAuth(),
];
/** Every token the Entra emulator signed: the access tokens the pipeline obtained. */
const accessTokens: string[] = [];
/** Every token the GitHub OIDC issuer signed: the federated assertions. */
const githubTokens: string[] = [];
const figure = { runs: 0, secrets: new Set<string>(), forms: 0, bytes: 0, occurrences: 0 };

/**
 * Records every token `keys` signs. The emulators keep no copy of what they issued, and the pipeline
 * never shows it (that is the point), so the signer is the one place that sees each token.
 */
function recordSigned(keys: SigningKeys, into: string[]): void {
  const sign = keys.sign.bind(keys);
  keys.sign = async (...args: Parameters<SigningKeys["sign"]>) => {
    const token = await sign(...args);
    into.push(token);
    return token;
  };
}

before(async () => {
  // The registry runs in token-auth mode, as OCIR does: the auth token and registry tokens both log in.
  fx = await startPipelineFixture("r1", { registryAuth: "token" });
  recordSigned(fx.oci.stack.entra.keys, accessTokens);
  recordSigned(fx.oci.stack.githubOidc.keys, githubTokens);
});
after(async () => {
  // Printed only when a run happened, so a skipped suite does not claim a figure.
  if (figure.runs > 0) {
    printFigure(
      "R1",
      "secrets",
      `${figure.occurrences} secret occurrences found (must be 0); ${figure.secrets.size} secrets scanned ` +
        `(${figure.forms} searches over the runs: as is, PEM lines, base64, URL-encoded); ${figure.bytes} bytes scanned ` +
        `across ${figure.runs} pipeline runs`,
    );
  }
  await fx?.close();
});

/** How many times any form of any secret occurs in `text`. */
function occurrences(text: string, secrets: string[]): { count: number; found: string[] } {
  let count = 0;
  const found: string[] = [];
  for (const needle of secretNeedles(secrets)) {
    const hits = text.split(needle).length - 1;
    if (hits > 0) found.push(`${needle.slice(0, 12)}… ×${hits}`);
    count += hits;
  }
  return { count, found };
}

/** Counts the scan into the figure, then requires that it found nothing. */
function assertNoSecret(everything: string, secrets: string[], masks: string[]): void {
  const { count, found } = occurrences(everything, secrets);
  figure.runs += 1;
  figure.bytes += Buffer.byteLength(everything);
  figure.occurrences += count;
  figure.forms += secretNeedles(secrets).length;
  for (const secret of secrets) figure.secrets.add(secret);
  assert.deepEqual(found, [], "secret occurrences found");
  // Anything the actions themselves chose to mask counts as a secret too.
  const leakedMasks = masks.filter((mask) => mask.length >= 8 && everything.includes(mask));
  assert.deepEqual(leakedMasks, [], "a masked value was written");
}

interface Case {
  credential: Credential;
  /** The API key as the user pastes it: encrypted, in one of the two PEM forms OCI users have. */
  encrypt: (key: TestKey, passphrase: string) => string;
  /** RUNNER_DEBUG=1, as a "re-run with debug logging" does: debug lines must not carry secrets either. */
  debug?: boolean;
  /** No auth-token (and no username): ocir-login gets a registry token signed with the API key. */
  registryToken?: boolean;
}

const cases: Case[] = [
  { credential: "secret", encrypt: encryptedPkcs1 },
  { credential: "certificate", encrypt: encryptedPkcs8 },
  { credential: "federated", encrypt: encryptedPkcs1 },
  { credential: "secret", encrypt: encryptedPkcs8, debug: true },
  { credential: "secret", encrypt: encryptedPkcs8, registryToken: true },
  { credential: "federated", encrypt: encryptedPkcs1, debug: true, registryToken: true },
];

describe("R1: no secret is written anywhere a workflow or a later job could read it", () => {
  for (const { credential, encrypt, debug = false, registryToken = false } of cases) {
    it(`${credential} credential, encrypted API key${debug ? ", debug logging" : ""}${registryToken ? ", registry token instead of an auth token" : ""}: 0 occurrences, HOME and RUNNER_TEMP as before`, async (t) => {
      if (!(await pipelineComponents(t))) return;
      const { oci } = fx;
      const encryptedKey = encrypt(oci.key, PASSPHRASE);
      const signedBefore = {
        access: accessTokens.length,
        github: githubTokens.length,
        registry: oci.stack.oci.registryTokens.issued.length,
      };
      await using job = await fx.job(debug);
      const snapshot = await job.snapshot();
      const {
        username,
        "auth-token": authToken,
        ...inputs
      } = fx.inputs(
        credential,
        `r1${credential.slice(0, 4)}${debug ? "dbg" : ""}${registryToken ? "tok" : ""}`,
        { "private-key": encryptedKey, "private-key-passphrase": PASSPHRASE },
      );
      const run = await job.run(PIPELINE, {
        inputs: registryToken
          ? inputs
          : { ...inputs, username: username ?? "", "auth-token": authToken ?? "" },
      });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      assert.equal(run.outputs.passed, "true", "the smoke test proved the API");
      if (debug) assert.ok(run.debug.length > 0, "debug lines were written, and are scanned below");
      const posts = await job.runPosts();
      assert.ok(
        posts.every((p) => p.exitCode === 0),
        posts.map((p) => p.stdout).join("\n"),
      );
      assert.deepEqual(await job.snapshot(), snapshot, "HOME and RUNNER_TEMP are as before the job");

      const issued = accessTokens.slice(signedBefore.access);
      const assertions = githubTokens.slice(signedBefore.github);
      const registryTokens = oci.stack.oci.registryTokens.issued.slice(signedBefore.registry);
      assert.equal(registryTokens.length, registryToken ? 1 : 0, "a registry token only without auth-token");
      assert.ok(issued.length > 0, "Entra issued the pipeline an access token");
      if (credential === "federated") assert.ok(assertions.length > 0, "GitHub OIDC issued an assertion");
      else assert.equal(assertions.length, 0);
      // The runner hides what was masked; these tokens never pass through an input, so the
      // actions themselves must have registered them.
      for (const token of [...issued, ...assertions, ...registryTokens])
        assert.ok(job.masks.includes(token), "token masked");

      // The job's OIDC request token is a credential too: it lets anyone mint assertions for the job.
      const requestToken = run.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
      const secrets = [
        ...keyAndLogin(encryptedKey),
        fx.clientSecret,
        fx.cert.privateKeyPem,
        ...issued,
        ...assertions,
        // docker stores the login as base64("BEARER_TOKEN:<token>"), another alignment of the token.
        ...registryTokens.flatMap((token) => [token, `BEARER_TOKEN:${token}`]),
        ...(requestToken ? [requestToken] : []),
      ];
      const everything = await job.allWrittenText();
      // The scanned text really holds what a workflow sees: outputs, the summary, the log groups.
      // (ghadelimiter_ is how @actions/core writes GITHUB_OUTPUT/GITHUB_ENV: the files themselves.)
      for (const seen of [
        `url=${run.outputs.url}`,
        run.summary.trim(),
        "::group::smoke-test",
        "ghadelimiter_",
      ])
        assert.ok(seen.length > 8 && everything.includes(seen), `scanned text lacks ${seen.slice(0, 40)}`);
      assertNoSecret(everything, secrets, job.masks);
      // And the scan does find a secret when there is one: a planted base64 client secret.
      const planted = `${everything}\n${Buffer.from(fx.clientSecret).toString("base64")}`;
      assert.equal(occurrences(planted, secrets).count, 1, "the scan finds a planted secret");
    });
  }

  it("a run that fails after deploying (Entra refuses a wrong client secret) leaks nothing either", async (t) => {
    if (!(await pipelineComponents(t))) return;
    const { oci } = fx;
    const wrongSecret = `cs~${process.pid}.wrong_but_still_secret`;
    const encryptedKey = encryptedPkcs8(oci.key, PASSPHRASE);
    await using job = await fx.job();
    const snapshot = await job.snapshot();
    const run = await job.run(PIPELINE, {
      inputs: fx.inputs("secret", "r1fail", {
        "private-key": encryptedKey,
        "private-key-passphrase": PASSPHRASE,
        "client-secret": wrongSecret,
        // Preflight would stop this run before deploying (it asks Entra for the token first); this
        // case is about a failure after the deploy stages ran.
        preflight: "false",
      }),
    });
    assertUserFailure(run, /^client-secret: .*AADSTS7000215/, [PASSPHRASE, encryptedKey, wrongSecret]);
    const posts = await job.runPosts();
    assert.ok(posts.length > 0 && posts.every((p) => p.exitCode === 0), "post steps still clean up");
    assert.deepEqual(await job.snapshot(), snapshot, "HOME and RUNNER_TEMP are as before the job");
    assertNoSecret(await job.allWrittenText(), [...keyAndLogin(encryptedKey), wrongSecret], job.masks);
  });
});
