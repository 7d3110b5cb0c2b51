// R7 secret files: what fngate writes under HOME when HOME is hostile or the run is. Symlinked dotfiles
// (a file, a key path, a dangling link, a link to a folder, a linked ~/.oci or ~/.docker), a 120 KB
// key, a key whose last PEM line is 4 characters that a later step prints, and a kill (SIGTERM or
// SIGKILL) while fn-context is writing its secrets. Through the built actions (main, then post) and
// the built CLI (fn-context, then cleanup).
import { randomBytes } from "node:crypto";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { applyMasks, type Job, type StepResult } from "../../runner/index.ts";
import { envOf, flagsOf } from "../../support/cli-process.ts";
import { generateTestKey, pemArmor } from "../../support/keys.ts";
import type { OciFixture } from "../../support/oci-fixture.ts";
import { type HostileArea, type HostileCase, sharedOciFixture } from "./hostile-case.ts";
import { type CliCase, inCli, inJob, type JobCase, KEY_FILE, type Prepare } from "./secret-files-runs.ts";

const OTHER_PROFILE = "[OTHER]\nuser=ocid1.user.oc1..aaaaaaaaother\nkey_file=~/.oci/other.pem\n";
const AUTH_TOKEN = `r7-files-token-${process.pid}`;

let oci: OciFixture;
/** Accepts connections and never answers: fn-context's signed call hangs after the key is written. */
let silent: Server;
let silentUrl: string;
const sockets: Socket[] = [];

const linkedConfig: Prepare = async (home) => {
  await mkdir(join(home, "dotfiles"), { recursive: true });
  await writeFile(join(home, "dotfiles", "oci-config"), OTHER_PROFILE, { mode: 0o644 });
  await mkdir(join(home, ".oci"), { mode: 0o700 });
  await symlink("../dotfiles/oci-config", join(home, ".oci", "config"));
};
const linkedKeyPath: Prepare = async (home) => {
  await mkdir(join(home, "dotfiles"), { recursive: true });
  await writeFile(join(home, "dotfiles", "key.pem"), "the user's own file\n", { mode: 0o600 });
  await mkdir(join(home, ".oci"), { mode: 0o700 });
  await symlink(join(home, "dotfiles", "key.pem"), join(home, KEY_FILE));
};
const danglingConfig: Prepare = async (home) => {
  await mkdir(join(home, ".oci"), { mode: 0o700 });
  await symlink(join(home, "nowhere", "config"), join(home, ".oci", "config"));
};
const configLinksToFolder: Prepare = async (home) => {
  await mkdir(join(home, "dotfiles", "folder"), { recursive: true });
  await mkdir(join(home, ".oci"), { mode: 0o700 });
  await symlink(join(home, "dotfiles", "folder"), join(home, ".oci", "config"));
};
const linkedOciFolder: Prepare = async (home) => {
  await mkdir(join(home, "dotfiles", "oci"), { recursive: true });
  await writeFile(join(home, "dotfiles", "oci", "config"), OTHER_PROFILE, { mode: 0o600 });
  await symlink("dotfiles/oci", join(home, ".oci"));
};
const linkedFnFolder: Prepare = async (home) => {
  await mkdir(join(home, "dotfiles", "fn", "contexts"), { recursive: true });
  await writeFile(join(home, "dotfiles", "fn", "config.yaml"), "current-context: laptop\n");
  await symlink(join(home, "dotfiles", "fn"), join(home, ".fn"));
};
const linkedDockerConfig: Prepare = async (home) => {
  await mkdir(join(home, "dotfiles"), { recursive: true });
  await writeFile(join(home, "dotfiles", "docker.json"), '{"auths":{"ghcr.io":{}}}\n', { mode: 0o644 });
  await mkdir(join(home, ".docker"), { mode: 0o700 });
  await symlink("../dotfiles/docker.json", join(home, ".docker", "config.json"));
};

/** 120 KB of base64 in PEM armor: repairs as PEM text, every line a mask, none of it a key. */
function hugeHostileKey(): string {
  const lines =
    randomBytes(90 * 1024)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return pemArmor("PRIVATE KEY", lines.join("\n"));
}

/** A PKCS#8 key (what fn-context writes) whose last body line is 4 characters and not a word. */
function keyWithShortLastLine(): { pem: string; last: string; joined: string } {
  for (;;) {
    const pem = generateTestKey(2192).pkcs8;
    const lines = pem.trim().split("\n");
    const last = lines.at(-2) ?? "";
    if (last.length === 4 && /[=+/0-9]/.test(last)) return { pem, last, joined: `${lines.at(-3)}${last}` };
  }
}

/** `cat`, JSON and a one-line paste of the key file, each log line masked as the runner does. */
async function printedByLaterStep(job: Job, main: StepResult): Promise<string> {
  const pem = await readFile(join(job.home, KEY_FILE), "utf8");
  const lines = pem.trim().split("\n");
  const printed = [pem, JSON.stringify(pem), lines.join(""), lines.join(" ")].join("\n");
  return printed
    .split("\n")
    .map((line) => applyMasks(line, main.masks))
    .join("\n");
}

const keyFlags = () =>
  flagsOf(Object.fromEntries(Object.entries(oci.inputs()).filter(([n]) => n !== "private-key")));
/**
 * fn-context with the fixture's API key, in a job (main, then post): passes and shows no key unless
 * `spec` (read when the case runs, after setup) says otherwise.
 */
const contextInJob = (name: string, spec: () => Partial<JobCase>): HostileCase => ({
  name: `fn-context: ${name}`,
  run: () =>
    inJob(oci.env, {
      action: "fn-context",
      inputs: oci.inputs(),
      expect: { success: true },
      secrets: [oci.key.pkcs8],
      ...spec(),
    }),
});
/** The same through `fngate fn-context`, then `fngate cleanup`; the key travels in FNGATE_PRIVATE_KEY. */
const contextInCli = (name: string, spec: () => Partial<CliCase>): HostileCase => ({
  name: `fngate fn-context${name}`,
  run: () =>
    inCli(oci.env, {
      args: ["fn-context", ...keyFlags()],
      expect: { success: true },
      secrets: [oci.key.pkcs8],
      ...spec(),
      env: { ...envOf({ "private-key": oci.key.pkcs8 }), ...spec().env },
    }),
});
const loginInputs = (overrides: Record<string, string> = {}) => ({
  region: "ap-tokyo-1",
  namespace: oci.namespace,
  username: "ci-user",
  "auth-token": AUTH_TOKEN,
  registry: "127.0.0.1:5999",
  ...overrides,
});
const dockerAuth = () => Buffer.from(`${oci.namespace}/ci-user:${AUTH_TOKEN}`).toString("base64");
/** A cancelled run has no failure line to check: the contract is what it shows and leaves behind. */
const CANCELLED = { message: /./ };
let short: ReturnType<typeof keyWithShortLastLine>;
let huge: string;

export const area: HostileArea = {
  name: "secret files",
  async setup() {
    oci = await sharedOciFixture();
    short = keyWithShortLastLine();
    huge = hugeHostileKey();
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentUrl = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  },
  async teardown() {
    for (const socket of sockets) socket.destroy();
    silent?.close();
  },
  cases: [
    contextInJob("~/.oci/config is a symlink into a dotfiles repository", () => ({ prepare: linkedConfig })),
    contextInJob("the key path is a symlink", () => ({ prepare: linkedKeyPath })),
    contextInJob("~/.oci/config is a dangling symlink", () => ({ prepare: danglingConfig })),
    contextInJob("~/.oci/config is a symlink to a folder", () => ({ prepare: configLinksToFolder })),
    contextInJob("~/.oci is a symlink to a dotfiles folder", () => ({ prepare: linkedOciFolder })),
    {
      name: "ocir-login without docker: ~/.docker/config.json is a symlink",
      run: () =>
        inJob(oci.env, {
          action: "ocir-login",
          env: { PATH: "/nonexistent" },
          inputs: loginInputs(),
          prepare: linkedDockerConfig,
          expect: { success: true },
          secrets: [AUTH_TOKEN, dockerAuth()],
        }),
    },
    {
      name: "ocir-login: logout false with a symlinked config.json",
      run: () =>
        inJob(oci.env, {
          action: "ocir-login",
          env: { PATH: "/nonexistent" },
          inputs: loginInputs({ logout: "false" }),
          prepare: linkedDockerConfig,
          expect: { message: /config\.json is a symlink, and logout is false/ },
          secrets: [AUTH_TOKEN, dockerAuth()],
        }),
    },
    contextInCli(" then cleanup: ~/.oci/config is a symlink", () => ({ prepare: linkedConfig })),
    contextInCli(" then cleanup: ~/.oci is a symlink to a folder", () => ({ prepare: linkedOciFolder })),
    contextInJob("a 120 KB private-key", () => ({
      inputs: oci.inputs({ "private-key": huge }),
      expect: { message: /^private-key could not be read/ },
      secrets: [huge],
    })),
    contextInCli(": a 120 KB private-key", () => ({
      env: envOf({ "private-key": huge }),
      expect: { message: /^private-key could not be read/ },
      secrets: [huge],
    })),
    contextInJob("a key whose last PEM line is 4 characters, printed by a later step", () => ({
      inputs: oci.inputs({ "private-key": short.pem, fingerprint: "", verify: "false" }),
      secrets: [short.pem, short.last, short.joined],
      laterStep: printedByLaterStep,
    })),
    contextInJob("SIGTERM while writing its secrets", () => ({
      env: { FNGATE_OCI_ENDPOINT: silentUrl },
      expect: CANCELLED,
      kill: "SIGTERM",
    })),
    contextInJob("SIGKILL while writing its secrets, ~/.oci/config a symlink", () => ({
      env: { FNGATE_OCI_ENDPOINT: silentUrl },
      prepare: linkedConfig,
      expect: CANCELLED,
      kill: "SIGKILL",
    })),
    contextInCli(": SIGKILL while writing its secrets, then cleanup", () => ({
      env: { FNGATE_OCI_ENDPOINT: silentUrl },
      expect: CANCELLED,
      kill: "SIGKILL",
    })),
    contextInCli(": SIGTERM while writing its secrets, ~/.fn a symlink, then cleanup", () => ({
      env: { FNGATE_OCI_ENDPOINT: silentUrl },
      prepare: linkedFnFolder,
      expect: CANCELLED,
      kill: "SIGTERM",
    })),
  ],
};
