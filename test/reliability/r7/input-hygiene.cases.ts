// R7 input hygiene: what the text of an input may be. Control characters in every single-line input
// of every action (table-driven over every action.yml; one built run per action, the others in
// process) and of the CLI, 120 KB single-line values, URLs carrying a user and password, endpoint
// overrides over plain http to another machine, and an https:// proxy with credentials (a real TLS
// CONNECT proxy that records what it was sent).
import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ACTION_METADATA } from "../../../src/cli/action-metadata.ts";
import { inputShape } from "../../../src/inputs/input-shapes.ts";
import { type ConnectProxy, startConnectProxy } from "../../emulators/http/connect-proxy.ts";
import { createTestCa, type TlsMaterial } from "../../emulators/tls/test-ca.ts";
import type { EnvOverrides } from "../../runner/index.ts";
import { runAction } from "../../runner/index.ts";
import { flagsOf } from "../../support/cli-process.ts";
import { type GuardedApi, startGuardedApi } from "../../support/guarded-api.ts";
import { actionVerdict, cliVerdict } from "../../support/input-table.ts";
import {
  actionOutcome,
  cliOutcome as cli,
  type HostileArea,
  type HostileCase,
  type HostileOutcome,
} from "./hostile-case.ts";

const PID = process.pid;
const PASSWORD = `r7-url-password-${PID}`;
const PROXY_PASSWORD = `r7-proxy-password-${PID}`;
const BIG = 120 * 1024;
let tls: TlsMaterial;
let api: GuardedApi;

/** The characters a single-line input refuses (NUL cannot travel in an environment variable or argv). */
const CHARACTERS: [string, string][] = [
  ["\n", "a line feed \\(U\\+000A\\)"],
  ["\r", "a carriage return \\(U\\+000D\\)"],
  ["\t", "a tab \\(U\\+0009\\)"],
  ["\u001b", "an escape character \\(U\\+001B\\)"],
  ["\u007f", "a DEL character \\(U\\+007F\\)"],
  ["\u0085", "a next-line character \\(U\\+0085\\)"],
  ["\u009b", "a control character \\(U\\+009B\\)"],
  ["\u2028", "a line separator \\(U\\+2028\\)"],
  ["\u2029", "a paragraph separator \\(U\\+2029\\)"],
  ["\u0001", "a control character \\(U\\+0001\\)"],
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One run of an action: main and post, as a workflow runs it. */
async function action(
  name: string,
  inputs: Record<string, string>,
  expect: HostileOutcome["expect"],
  secrets: string[],
  env: EnvOverrides = {},
): Promise<HostileOutcome> {
  // The root action.yml (the pipeline) is the folder above actions/.
  const folder = name === "pipeline" ? ".." : name;
  return actionOutcome(await runAction(folder, { inputs, env }), expect, secrets);
}

/**
 * What the runner would show for `inputs`, in process (test/support/input-table.ts): the text checks of
 * every INPUT_* run before anything else and on the same path for every input, so one built run per
 * action shows the log; here the line, the calls and the files written are judged for every other input.
 */
async function inProcess(
  name: string,
  inputs: Record<string, string>,
  expect: HostileOutcome["expect"],
  secrets: string[],
  verdictOf = actionVerdict,
): Promise<HostileOutcome> {
  const verdict = await verdictOf(name, { inputs });
  const lines = verdict.outcome === "refused" ? [verdict.line] : [];
  return {
    expect,
    exitCode: verdict.outcome === "refused" ? verdict.exitCode : 0,
    errorLines: verdict.calls > 0 ? [...lines, `${verdict.calls} call(s) to a cloud`] : lines,
    shown: lines.join("\n"),
    secrets,
    leftBehind: verdict.written,
    wideFiles: [],
  };
}

/**
 * Every single-line input of every action, each with one refused character in it (table-driven): the
 * first of each action as the built action (the characters taking turns across actions), the others in
 * process.
 */
function controlCharacterCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  let turn = 0;
  for (const [index, [name, metadata]] of Object.entries(ACTION_METADATA).entries()) {
    const single = metadata.inputs.filter((input) => !inputShape(name, input.name).multiLine);
    for (const [position, input] of single.entries()) {
      const built = position === 0;
      const [character, described] = CHARACTERS[(built ? index : turn++) % CHARACTERS.length] ?? ["\n", ""];
      const marker = `r7-${input.name}-${PID}-value`;
      const message = new RegExp(
        `^${escapeRegExp(input.name)} contains ${described} at character \\d+: it takes a single line`,
      );
      cases.push({
        name: `${name}: ${described.replace(/\\/g, "")} in ${input.name}${built ? "" : " (in process)"}`,
        run: () =>
          (built ? action : inProcess)(
            name,
            { [input.name]: `${marker}${character}${marker}` },
            { message },
            [marker],
          ),
      });
    }
  }
  return cases;
}

/**
 * One single-line flag of every CLI command, with a refused character, in process (cliVerdict: the CLI's
 * own reader and error line); the CLI refusals below show the built CLI's output.
 */
function cliControlCharacterCases(): HostileCase[] {
  return Object.entries(ACTION_METADATA).map(([name, metadata], index) => {
    const open = metadata.inputs.filter((input) => !input.secret && !inputShape(name, input.name).multiLine);
    const input = open[index % open.length] ?? open[0];
    const [character, described] = CHARACTERS[index % CHARACTERS.length] ?? ["\n", ""];
    const marker = `r7-cli-${input?.name}-${PID}-value`;
    return {
      name: `CLI ${name}: ${described.replace(/\\/g, "")} in --${input?.name} (in process)`,
      run: () =>
        inProcess(
          name,
          { [input?.name ?? ""]: `${marker}${character}tail` },
          { message: new RegExp(`^--${escapeRegExp(input?.name ?? "")} contains ${described}`) },
          [marker],
          cliVerdict,
        ),
    };
  });
}

const big = (prefix: string) => prefix + "a".repeat(BIG - prefix.length);
/** One clear line that does not repeat a 120 KB value. */
const shortLine = (start: string) => new RegExp(`^${start}.{0,400}$`);

const smoke = { url: "https://127.0.0.1:9/hello", wait: "0", "negative-checks": "none" };

let proxy: ConnectProxy;
let droppingProxy: ConnectProxy;
const withProxyCredentials = (url: string, password = PROXY_PASSWORD) =>
  url.replace("https://", `https://ci:${password}@`);

/**
 * What the proxy was sent, in order: true for a CONNECT with Proxy-Authorization. Nothing may have
 * spoken plain text to it (the old diagnosis did, credentials included).
 */
function connectsSeen(seen: ConnectProxy, expected: boolean[] | "all with credentials"): void {
  if (seen.handshakeFailures.length > 0)
    throw new Error(`plain text to the TLS proxy: ${seen.handshakeFailures}`);
  const got = seen.connects.map((record) => record.proxyAuthorization !== undefined);
  const ok =
    expected === "all with credentials"
      ? got.length > 0 && got.every(Boolean)
      : got.join() === expected.join();
  if (!ok) throw new Error(`CONNECTs with credentials: ${got.join()}; expected ${String(expected)}`);
}

const CLIENT_ID = "00000000-0000-0000-0000-000000000001";
/** The actions whose URL-with-password case runs built: they print URLs in their results. */
const BUILT_URL_CASES = new Set(["smoke-test", "pipeline"]);

/** A CLI command refused in one `error:` line that shows none of `secrets`. */
interface CliRefusal {
  name: string;
  args: string[];
  env?: Record<string, string>;
  message: RegExp;
  secrets?: string[];
}

const CLI_REFUSALS: CliRefusal[] = [
  {
    name: "CLI entra-token: a newline inside FNGATE_CLIENT_SECRET",
    args: ["entra-token", ...flagsOf({ "tenant-id": "contoso.onmicrosoft.com", "client-id": CLIENT_ID })],
    env: { FNGATE_CLIENT_SECRET: `r7-client-secret-${PID}\nInjected: header` },
    message:
      /^FNGATE_CLIENT_SECRET contains a line feed \(U\+000A\) at character \d+: it takes a single line/,
    secrets: [`r7-client-secret-${PID}`],
  },
  {
    name: "CLI oci-token: a newline in --token-file, a flag of the CLI only",
    args: ["oci-token", "--token-file", "<root>/token\n/etc/passwd"],
    message: /^--token-file contains a line feed/,
  },
  {
    name: "CLI entra-token: a 120 KB --tenant-id",
    args: ["entra-token", ...flagsOf({ "tenant-id": big("r7-big-tenant-"), "client-id": CLIENT_ID })],
    env: { FNGATE_CLIENT_SECRET: `r7-client-secret-${PID}`, FNGATE_SCOPE: "api://x/.default" },
    message: shortLine("tenant-id "),
  },
  // A user and password inside a URL: refused before anything echoes them.
  {
    name: "CLI gateway-deploy: --jwks-uri with a user and password",
    args: ["gateway-deploy", "--jwks-uri", `https://ci:${PASSWORD}@login.example.test/keys`, "--json"],
    message: /^--jwks-uri must not carry a user name or password/,
    secrets: [PASSWORD],
  },
  {
    name: "CLI fn-context: FNGATE_API_URL with a user and password",
    args: ["fn-context"],
    env: { FNGATE_API_URL: `https://ci:${PASSWORD}@functions.example.test` },
    message: /^FNGATE_API_URL must not carry a user name or password/,
    secrets: [PASSWORD],
  },
  // An endpoint override receives every key and token of its cloud.
  {
    name: "CLI smoke-test: FNGATE_ALIBABA_ENDPOINT over http:// to another machine",
    args: ["smoke-test", ...flagsOf({ url: smoke.url, wait: "0", "negative-checks": "none" }), "--json"],
    env: { FNGATE_ALIBABA_ENDPOINT: "http://fc.r7.example.test" },
    message: /^FNGATE_ALIBABA_ENDPOINT is an http:\/\/ URL to another machine/,
  },
];

export const area: HostileArea = {
  name: "input hygiene",
  async setup() {
    tls = await createTestCa();
    api = await startGuardedApi(tls);
    const credentials = { username: "ci", password: PROXY_PASSWORD };
    proxy = await startConnectProxy({ tls, credentials });
    droppingProxy = await startConnectProxy({ tls, credentials, dropTunnels: true });
    // The test's own file, outside the CLI's sandbox: what the user handed in, not what fngate wrote.
    await writeFile(join(tls.dir, "r7-auth-token"), `r7-token-first-${PID}\u0000\nsecond line\n`, {
      mode: 0o600,
    });
  },
  async teardown() {
    await api?.close();
    await proxy?.close();
    await droppingProxy?.close();
    if (tls) await rm(tls.dir, { recursive: true, force: true });
  },
  cases: [
    ...controlCharacterCases(),
    ...cliControlCharacterCases(),
    ...CLI_REFUSALS.map(
      (row): HostileCase => ({
        name: row.name,
        run: () => cli(row.args, row.env ?? {}, { message: row.message }, row.secrets ?? []),
      }),
    ),
    {
      name: "CLI ocir-login: a NUL and a second line in the auth token file",
      run: () =>
        cli(
          ["ocir-login", "--region", "ap-tokyo-1", "--namespace", "ns", "--username", "ci"],
          { FNGATE_AUTH_TOKEN_FILE: join(tls.dir, "r7-auth-token") },
          {
            message:
              /^FNGATE_AUTH_TOKEN_FILE \(the file's text\) contains a NUL character \(U\+0000\) at character \d+:/,
          },
          [`r7-token-first-${PID}`],
        ),
    },
    {
      name: "multi-line inputs stay accepted: smoke-test with two header lines and a multi-line body",
      run: async () =>
        action(
          "smoke-test",
          {
            url: api.url,
            token: await api.token(),
            method: "POST",
            headers: "X-Trace: r7\r\nX-Other:\tone",
            body: '{\n\t"hello": "world"\n}\n',
            "expect-body": '{\n  "message": "Hello World"\n}',
            wait: "0",
          },
          { success: true },
          [],
          { NODE_EXTRA_CA_CERTS: tls.caFile, FNGATE_OCI_ENDPOINT: "http://127.0.0.1:9" },
        ),
    },
    // 120 KB in one line: refused or used, always in one short line.
    ...(
      [
        [
          "entra-token",
          "tenant-id",
          {
            "client-id": CLIENT_ID,
            scope: "api://x/.default",
            "client-secret": `r7-client-secret-${PID}`,
          },
          "tenant-id ",
        ],
        [
          "fc-deploy",
          "function",
          {
            region: "cn-hangzhou",
            "code-path": ".",
            runtime: "nodejs20",
            handler: "index.handler",
            "access-key-id": "LTAI-r7",
            "access-key-secret": `r7-access-key-secret-${PID}`,
          },
          "function must be",
        ],
        [
          "cloud-run-deploy",
          "service",
          { project: "fngate-r7", region: "asia-northeast1", image: "a.example/p/i:1" },
          "service ",
        ],
        ["gcp-id-token", "audience", {}, "audience "],
        ["smoke-test", "token", smoke, "smoke test failed"],
      ] as const
    ).map(
      ([name, input, others, start]): HostileCase => ({
        name: `${name}: a 120 KB single-line ${input}`,
        run: () =>
          action(
            name,
            { ...others, [input]: big(`r7-big-${input}-${PID}-`) },
            { message: shortLine(escapeRegExp(start)) },
            [big(`r7-big-${input}-${PID}-`)],
          ),
      }),
    ),
    // A user and password inside a URL: refused before anything echoes them. The built smoke-test and
    // pipeline print URLs in their results; the other actions' refusals are judged in process, their
    // parsers reached as the adapters reach them (each action keeps a built run above).
    ...(
      [
        ["fn-context", "api-url", `https://ci:${PASSWORD}@functions.ap-tokyo-1.oci.oraclecloud.com`],
        ["fn-context", "identity-domain-url", `https://ci:${PASSWORD}@idcs-0123.identity.oraclecloud.com`],
        ["gateway-deploy", "jwks-uri", `https://ci:${PASSWORD}@login.example.test/keys`],
        ["ocir-login", "registry", `ci:${PASSWORD}@ocir.ap-tokyo-1.oci.oraclecloud.com`],
        ["entra-token", "authority-host", `ci:${PASSWORD}@login.microsoftonline.com`],
        ["fn-deploy", "image", `ci:${PASSWORD}@ocir.ap-tokyo-1.oci.oraclecloud.com/ns/hello:1`],
        ["pipeline", "url", `https://ci:${PASSWORD}@api.example.test/hello`],
        ["smoke-test", "url", `https://ci:${PASSWORD}@127.0.0.1:9/hello`],
      ] as const
    ).map(
      ([name, input, value]): HostileCase => ({
        name: `${name}: ${input} with a user and password${BUILT_URL_CASES.has(name) ? "" : " (in process)"}`,
        run: () =>
          (BUILT_URL_CASES.has(name) ? action : inProcess)(
            name,
            { [input]: value },
            { message: new RegExp(`^${input} must not carry a user name or password`) },
            [PASSWORD],
          ),
      }),
    ),
    // Endpoint overrides: every key and token of a cloud goes there.
    {
      name: "smoke-test: FNGATE_OCI_ENDPOINT over http:// to another machine",
      run: () =>
        action(
          "smoke-test",
          smoke,
          { message: /^FNGATE_OCI_ENDPOINT is an http:\/\/ URL to another machine: .*use https:\/\// },
          [],
          {
            FNGATE_OCI_ENDPOINT: "http://oci.r7.example.test:8080",
          },
        ),
    },
    {
      name: "gcp-id-token: FNGATE_GCP_ENDPOINT with a user and password",
      run: () =>
        action(
          "gcp-id-token",
          { audience: "https://hello.example.test" },
          { message: /^FNGATE_GCP_ENDPOINT must not carry a user name or password/ },
          [PASSWORD],
          {
            FNGATE_GCP_ENDPOINT: `https://ci:${PASSWORD}@gcp.example.test`,
          },
        ),
    },
    // An https:// proxy with credentials.
    {
      name: "smoke-test through an https:// proxy with credentials: passes, over TLS, the password never shown",
      run: async () => {
        proxy.reset();
        const outcome = await action(
          "smoke-test",
          { url: api.url, token: await api.token(), wait: "0" },
          { success: true },
          [PROXY_PASSWORD],
          {
            NODE_EXTRA_CA_CERTS: tls.caFile,
            HTTPS_PROXY: withProxyCredentials(proxy.url),
            NO_PROXY: "",
          },
        );
        connectsSeen(proxy, "all with credentials");
        return outcome;
      },
    },
    {
      name: "smoke-test through an https:// proxy that refuses its credentials: one line explaining the 407",
      run: async () => {
        proxy.reset();
        const outcome = await action(
          "smoke-test",
          { ...smoke, url: "https://api.r7.invalid/hello" },
          {
            message:
              /the proxy https:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\) answered 407 \(Proxy Authentication Required\) to CONNECT for api\.r7\.invalid:443: the proxy refused the user name and password in HTTPS_PROXY/,
          },
          [`wrong-${PROXY_PASSWORD}`],
          {
            NODE_EXTRA_CA_CERTS: tls.caFile,
            HTTPS_PROXY: withProxyCredentials(proxy.url, `wrong-${PROXY_PASSWORD}`),
          },
        );
        assert.match(
          outcome.errorLines[0] ?? "",
          /: check them \(percent-encoded in https:\/\/USER:PASSWORD@host:port\)\.$/,
        );
        // A permanent refusal: one CONNECT, no retry, and the answer fetch got is enough: no probe.
        connectsSeen(proxy, [true]);
        return outcome;
      },
    },
    {
      name: "smoke-test through an https:// proxy whose tunnel drops: the diagnosis goes over TLS without credentials",
      run: async () => {
        droppingProxy.reset();
        const outcome = await action(
          "smoke-test",
          { ...smoke, url: "https://api.r7.invalid/hello" },
          { message: /^smoke test failed, 1 of 1 checks: request answered error: / },
          [PROXY_PASSWORD],
          {
            NODE_EXTRA_CA_CERTS: tls.caFile,
            HTTPS_PROXY: withProxyCredentials(droppingProxy.url),
          },
        );
        // fetch's own tunnel with the credentials, then the diagnosis without them (the default port for
        // https), which the proxy answers 407; the proxy carried the call, so the line does not blame it.
        connectsSeen(droppingProxy, [true, false]);
        assert.deepEqual(
          droppingProxy.connects.map(({ target, status }) => `${target} ${status}`),
          ["api.r7.invalid:443 200", "api.r7.invalid:443 407"],
        );
        assert.doesNotMatch(outcome.errorLines.join("\n"), /\(HTTPS_PROXY\) (answered|could not be reached)/);
        return outcome;
      },
    },
  ],
};
