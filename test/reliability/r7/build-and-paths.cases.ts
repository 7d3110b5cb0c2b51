// R7 hostile inputs for what fngate builds and uploads: path inputs that leave the workspace (../, an
// absolute path, a symbolic link inside the checkout pointing out of it), a func.yaml that is a FIFO,
// the same through the CLI, and the image side: a checkout whose .git/config holds the job's token
// (the pushed image's files are read back and scanned like any log), and a prebuilt image that is a
// BuildKit index with an attestation manifest.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { imageFiles } from "../../emulators/registry/image-files.ts";
import { pushIndex } from "../../emulators/registry/push-index.ts";
import { RegistryClient } from "../../emulators/registry/registry-client.ts";
import {
  registryUnavailableReason,
  type StartedRegistry,
  startRegistry,
} from "../../emulators/registry/start-registry.ts";
import { runAction } from "../../runner/index.ts";
import type { OciFixture } from "../../support/oci-fixture.ts";
import { dockerEngineRunning } from "../../support/real-components.ts";
import { type DeployJob, deployAfterLogin } from "./deploy-job.ts";
import {
  actionOutcome,
  cliOutcome,
  type HostileArea,
  type HostileCase,
  sharedOciFixture,
} from "./hostile-case.ts";

const run = promisify(execFile);
const ACCESS_KEY_SECRET = `r7-fc-secret-${process.pid}-abcdefgh`;
const HOME_SECRET = `r7-ssh-key-${process.pid}-do-not-upload`;
const GITHUB_TOKEN = `ghs_r7context${process.pid}XXXXXXXXXXXXXXXXXXXXXX`;
const OCIR_TOKEN = `r7-ocir-${process.pid}`;
const TENANCY = "ocid1.tenancy.oc1..aaaaaaaar7hostilepathsxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
// fn-deploy needs the profile fn-context exports: a config file that exists (setup writes it), which
// planning never reads.
const profileEnv = () => ({ OCI_CLI_CONFIG_FILE: join(scratch, "oci-config"), OCI_CLI_PROFILE: "DEFAULT" });
const CLOUD_RUN = {
  project: "my-project-123",
  region: "asia-northeast1",
  service: "r7-svc",
  image: "asia-northeast1-docker.pkg.dev/my-project-123/repo/fn:1",
  "workload-identity-provider":
    "projects/123456789/locations/global/workloadIdentityPools/pool/providers/github",
  "service-account": "deployer@my-project-123.iam.gserviceaccount.com",
};
const FC = {
  region: "cn-hangzhou",
  function: "r7-fn",
  runtime: "nodejs20",
  handler: "index.handler",
  "access-key-id": "LTAI5tR7HostileKeyId",
  "access-key-secret": ACCESS_KEY_SECRET,
};

// The image cases need the Docker engine and the registry; outside CI they are left out with a reason.
const imageCasesRun =
  process.env.CI === "true" || ((await dockerEngineRunning()) && registryUnavailableReason() === undefined);
if (!imageCasesRun)
  console.log("# R7 build-and-paths: image cases left out (no Docker engine or registry here)");

let scratch: string;
let outsideDir: string;
let linkCheckout: string;
let dockerfileLinkCheckout: string;
let oci: OciFixture | undefined;
let registry: StartedRegistry | undefined;

/** A checkout (copied into the job's workspace) holding one symbolic link `link` to `target`. */
async function checkoutWithLink(target: string): Promise<string> {
  const dir = await mkdtemp(join(scratch, "checkout-"));
  await symlink(target, join(dir, "link"));
  return dir;
}

/** fn-deploy's inputs apart from its path: planning stops at the path checks, before any registry. */
const FN_DEPLOY = { application: "apps", "compartment-ocid": TENANCY, registry: "127.0.0.1:5999/ns" };

/** A path input that leaves the workspace, refused by the action in one line. */
interface PathRow {
  name: string;
  action: "fn-deploy" | "cloud-run-deploy" | "fc-deploy";
  inputs: Record<string, string>;
  /** The checkout copied into the workspace (made in setup, hence a function). */
  checkout?: () => string;
  message: RegExp;
  secrets: string[];
}

const PATH_ROWS: PathRow[] = [
  {
    name: "fn-deploy: path ../ climbs out of the workspace",
    action: "fn-deploy",
    inputs: { ...FN_DEPLOY, path: "../" },
    message: /^path "\.\.\/" is outside the workspace \(.*\): .*point path at a folder in it\.$/,
    secrets: [],
  },
  {
    name: "fn-deploy: path is a symbolic link in the checkout to a folder outside it",
    action: "fn-deploy",
    inputs: { ...FN_DEPLOY, path: "link" },
    checkout: () => linkCheckout,
    message: /^path "link" resolves through a symbolic link to .*, which is outside the workspace/,
    secrets: [HOME_SECRET],
  },
  {
    name: "fn-deploy: the checkout's Dockerfile is a link to a private key outside it",
    action: "fn-deploy",
    inputs: { ...FN_DEPLOY, function: "r7-dockerfile" },
    checkout: () => dockerfileLinkCheckout,
    message:
      /^path "Dockerfile" resolves through a symbolic link to .*id_rsa, which is outside the workspace/,
    secrets: [HOME_SECRET],
  },
  {
    name: "cloud-run-deploy: path is an absolute folder outside the workspace (/etc)",
    action: "cloud-run-deploy",
    inputs: { ...CLOUD_RUN, path: "/etc" },
    message: /^path "\/etc" is outside the workspace/,
    secrets: [],
  },
  {
    name: "cloud-run-deploy: dockerfile climbs out of path to /etc/passwd",
    action: "cloud-run-deploy",
    inputs: { ...CLOUD_RUN, path: ".", dockerfile: "../../../../../../../etc/passwd" },
    message: /^dockerfile ".*etc\/passwd" is outside the workspace/,
    secrets: [],
  },
  {
    name: "fc-deploy: code-path ../.. climbs out of the workspace",
    action: "fc-deploy",
    inputs: { ...FC, "code-path": "../.." },
    message: /^code-path "\.\.\/\.\." is outside the workspace/,
    secrets: [ACCESS_KEY_SECRET],
  },
  {
    name: "fc-deploy: code-path is a link in the checkout to a folder with a private key",
    action: "fc-deploy",
    inputs: { ...FC, "code-path": "link" },
    checkout: () => linkCheckout,
    message: /^code-path "link" resolves through a symbolic link to .*, which is outside the workspace/,
    secrets: [ACCESS_KEY_SECRET, HOME_SECRET],
  },
];

const pathCases: HostileCase[] = [
  ...PATH_ROWS.map(
    (row): HostileCase => ({
      name: row.name,
      run: async () => {
        const result = await runAction(row.action, {
          inputs: row.inputs,
          // fn-deploy needs the profile fn-context exports.
          ...(row.action === "fn-deploy" ? { jobEnv: profileEnv() } : {}),
          ...(row.checkout ? { checkout: row.checkout() } : {}),
        });
        return actionOutcome(result, { message: row.message }, row.secrets);
      },
    }),
  ),
  {
    name: "fn-deploy: func.yaml is a FIFO (a read would block forever)",
    async run() {
      const result = await runAction("fn-deploy", {
        jobEnv: profileEnv(),
        earlier: (job) => run("mkfifo", [join(job.workspace, "func.yaml")]),
        inputs: FN_DEPLOY,
        timeoutMs: 30_000,
      });
      return actionOutcome(result, { message: /^func\.yaml in path "\." is not a regular file/ }, []);
    },
  },
  {
    name: "CLI fc-deploy: --code-path /etc from a project folder",
    async run() {
      const args = Object.entries({ ...FC, "code-path": "/etc" })
        .filter(([name]) => name !== "access-key-secret")
        .flatMap(([name, value]) => [`--${name}`, value]);
      return cliOutcome(
        ["fc-deploy", ...args],
        { FNGATE_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET },
        { message: /^code-path "\/etc" is outside the workspace/ },
        [ACCESS_KEY_SECRET],
        { cwd: await mkdtemp(join(scratch, "cli-")) },
      );
    },
  },
];

/** fn-deploy after fn-context and ocir-login against this area's fixture. */
function deployInJob(checkout: string | undefined, inputs: Record<string, string>): Promise<DeployJob> {
  if (!oci || !registry) throw new Error("the image cases need the OCI fixture and the registry");
  return deployAfterLogin(oci, { host: registry.host, authToken: OCIR_TOKEN }, checkout, inputs);
}

const imageCases: HostileCase[] = [
  {
    name: "fn-deploy: the checkout's .git/config holds the job's token (the pushed image is scanned too)",
    async run() {
      const checkout = await mkdtemp(join(scratch, "git-checkout-"));
      await mkdir(join(checkout, ".git"));
      const header = Buffer.from(`x-access-token:${GITHUB_TOKEN}`).toString("base64");
      await writeFile(
        join(checkout, ".git", "config"),
        `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${header}\n`,
      );
      await writeFile(join(checkout, "func.js"), "// r7\n");
      await writeFile(join(checkout, "Dockerfile"), "FROM scratch\nCOPY . /function/\n");
      const deployed = await deployInJob(checkout, {
        function: "r7-git",
        path: ".",
        registry: `${registry?.host}/${oci?.namespace}`,
        tag: "1",
      });
      try {
        const client = new RegistryClient({
          url: registry?.url ?? "",
          username: `${oci?.namespace}/ci-user`,
          password: OCIR_TOKEN,
        });
        const digest = deployed.main.outputs.digest;
        const files = digest ? await imageFiles(client, `${oci?.namespace}/r7-git`, digest) : [];
        const image = files.map((file) => `${file.path}\n${file.content.toString("utf8")}`).join("\n");
        return deployed.outcome({ success: true }, [GITHUB_TOKEN, `x-access-token:${GITHUB_TOKEN}`], image);
      } finally {
        await deployed.dispose();
      }
    },
  },
  {
    name: "fn-deploy: a prebuilt image that is a BuildKit index with an attestation manifest",
    async run() {
      const repository = `${oci?.namespace}/r7-attested`;
      const credentials = {
        url: registry?.url ?? "",
        username: `${oci?.namespace}/ci-user`,
        password: OCIR_TOKEN,
      };
      const pushed = await pushIndex({
        registry: credentials,
        repository,
        tag: "1",
        architectures: ["amd64"],
        attestations: true,
      });
      const deployed = await deployInJob(undefined, {
        function: "r7-attested",
        image: `${registry?.host}/${repository}@${pushed.digest}`,
      });
      try {
        return deployed.outcome(
          { message: /^image .* is an image index with 1 BuildKit attestation manifest\(s\)/ },
          [],
        );
      } finally {
        await deployed.dispose();
      }
    },
  },
];

export const area: HostileArea = {
  name: "build context and paths",
  async setup() {
    scratch = await mkdtemp(join(tmpdir(), "fngate-r7-paths-"));
    await writeFile(join(scratch, "oci-config"), "[DEFAULT]\n", { mode: 0o600 });
    outsideDir = join(scratch, "outside-home-ssh");
    await mkdir(outsideDir);
    await writeFile(join(outsideDir, "id_rsa"), `${HOME_SECRET}\n`, { mode: 0o600 });
    linkCheckout = await checkoutWithLink(outsideDir);
    dockerfileLinkCheckout = await mkdtemp(join(scratch, "checkout-"));
    await symlink(join(outsideDir, "id_rsa"), join(dockerfileLinkCheckout, "Dockerfile"));
    await writeFile(join(dockerfileLinkCheckout, "func.js"), "// r7\n");
    if (imageCasesRun) {
      oci = await sharedOciFixture();
      oci.stack.oci.state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: "apps" });
      const user = { username: `${oci.namespace}/ci-user`, password: OCIR_TOKEN };
      registry = await startRegistry({ users: [user] });
      oci.stack.oci.setRegistry({ url: registry.url, ...user });
    }
  },
  async teardown() {
    oci?.stack.oci.setRegistry(undefined);
    await registry?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  },
  cases: [...pathCases, ...(imageCasesRun ? imageCases : [])],
};
