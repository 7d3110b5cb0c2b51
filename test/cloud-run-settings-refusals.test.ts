// cloud-run-deploy's service settings, in process: every bad value is refused before any call with one
// line naming the input, the problem and the form Cloud Run takes (test/support/input-table.ts), several
// at once in one message; env-file problems too; the pipeline's parser the same.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readCloudRunPipelineInputs } from "../src/inputs/cloud-run-pipeline.ts";
import { IMAGE, PROJECT, REGION } from "./emulators/gcp/fixture.ts";
import { actionVerdict, parsedBy, type RefusalRow, refusalTable } from "./support/input-table.ts";
import { serviceAccountKeyJson } from "./support/keys.ts";

const keyJson = serviceAccountKeyJson(`deployer@${PROJECT}.iam.gserviceaccount.com`);
const inputs = (more: Record<string, string> = {}) => ({
  project: PROJECT,
  region: REGION,
  service: "settings-fn",
  image: IMAGE,
  "credentials-json": keyJson,
  ...more,
});
const REFERENCE =
  "use SECRET:VERSION, with SECRET a Secret Manager secret ID or projects/PROJECT/secrets/ID and VERSION latest, a number or an alias (e.g. api-key:3).";

describe("cloud-run-deploy refuses bad settings before any call", () => {
  it("every setting at once, well formed, passes every check", async () => {
    const verdict = await actionVerdict("cloud-run-deploy", {
      inputs: inputs({
        "runtime-service-account": `runtime@${PROJECT}.iam.gserviceaccount.com`,
        cpu: "0.5",
        memory: "1Gi",
        concurrency: "1",
        "min-instances": "0",
        "max-instances": "3",
        timeout: "300s",
        port: "8081",
        secrets: "API_KEY=projects/other-proj/secrets/api-key:latest\n/etc/tls/key=tls:2",
        labels: "team=payments",
        "env-update": "merge",
        "vpc-connector": "run-connector",
        "vpc-egress": "all-traffic",
      }),
    });
    assert.equal(verdict.outcome, "accepted", JSON.stringify(verdict));
  });

  const rows: Record<string, RefusalRow> = {
    "a CPU count Cloud Run does not offer": [
      { cpu: "3" },
      `cpu "3" is not a CPU limit Cloud Run takes: use 1, 2, 4, 6 or 8, or a fraction from 0.08 to 1 (e.g. 0.5 or 500m).`,
    ],
    "less than 0.08 CPU": [
      { cpu: "50m" },
      /^cpu "50m" is not a CPU limit Cloud Run takes: use 1, 2, 4, 6 or 8/,
    ],
    "memory in GB": [
      { memory: "1GB" },
      `memory "1GB" is not a memory limit Cloud Run takes: use a whole number of Mi or Gi from 128Mi to 32Gi (e.g. 512Mi or 2Gi).`,
    ],
    "more memory than Cloud Run gives": [
      { memory: "64Gi" },
      /^memory "64Gi" is not a memory limit Cloud Run takes/,
    ],
    "8Gi on one CPU": [
      { cpu: "1", memory: "8Gi" },
      "memory 8Gi needs cpu 2 or more (Cloud Run: above 512Mi needs 0.5 CPU, above 1Gi 1, above 4Gi 2, above 8Gi 4, above 16Gi 6, above 24Gi 8): raise cpu or lower memory.",
    ],
    "4 CPUs with 1Gi": [
      { cpu: "4", memory: "1Gi" },
      "cpu 4 needs memory 2Gi or more (Cloud Run: 4 CPUs need 2Gi, 6 or 8 need 4Gi): raise memory or lower cpu.",
    ],
    "half a CPU serving many requests at once": [
      { cpu: "0.5" },
      "cpu 0.5 is below 1, which Cloud Run allows only with concurrency 1: set concurrency: 1, or cpu: 1 or more.",
    ],
    "concurrency 0": [
      { concurrency: "0" },
      `concurrency "0" must be a whole number from 1 to 1000 (requests one instance serves at once).`,
    ],
    "concurrency above 1000": [
      { concurrency: "2000" },
      /^concurrency "2000" must be a whole number from 1 to 1000/,
    ],
    "negative min-instances": [
      { "min-instances": "-1" },
      `min-instances "-1" must be a whole number 0 or more (instances kept warm).`,
    ],
    "max-instances 0": [
      { "max-instances": "0" },
      `max-instances "0" must be a whole number 1 or more (the most instances Cloud Run starts).`,
    ],
    "min-instances above max-instances": [
      { "min-instances": "5", "max-instances": "2" },
      "min-instances (5) is above max-instances (2): lower min-instances or raise max-instances.",
    ],
    "a timeout of two hours": [
      { timeout: "2h" },
      `timeout "2h" is not a request timeout Cloud Run takes: give 1 to 3600 seconds (300 or 300s) or minutes (5m), at most 60 minutes.`,
    ],
    "a port out of range": [
      { port: "70000" },
      `port "70000" must be a whole number from 1 to 65535 (the TCP port the container listens on).`,
    ],
    "a runtime service account without its project": [
      { "runtime-service-account": "runtime" },
      `runtime-service-account "runtime" is not a service account email: use NAME@PROJECT_ID.iam.gserviceaccount.com (or PROJECT_NUMBER-compute@developer.gserviceaccount.com).`,
    ],
    "env-update append": [{ "env-update": "append" }, `env-update "append" is not one of replace, merge.`],
    "a secret without its version": [
      { secrets: "API_KEY=api-key" },
      `secrets item 1 (API_KEY) does not end in a secret reference: ${REFERENCE}`,
    ],
    "a secret value pasted instead of a reference": [
      { secrets: "API_KEY=s3cr3t value!" },
      `secrets item 1 (API_KEY) does not end in a secret reference: ${REFERENCE}`,
    ],
    "a secret line without =": [
      { secrets: "API_KEY" },
      "secrets item 1 has no '=': write KEY=SECRET:VERSION for a variable or /PATH/FILE=SECRET:VERSION for a mounted file.",
    ],
    "a secret for a name that is no variable nor path": [
      { secrets: "api-key=api-key:1" },
      `secrets item 1: "api-key" is neither a variable name (letters, digits and _) nor an absolute file path (e.g. /secrets/api/key).`,
    ],
    "a secret file under /dev": [
      { secrets: "/dev/shm/key=tls:1" },
      "secrets item 1: /dev/shm/key is under /dev, where Cloud Run mounts nothing (/dev, /proc, /sys): choose another folder.",
    ],
    "a secret file on /": [
      { secrets: "/key=tls:1" },
      "secrets item 1: /key would mount a secret on /: put the file in a folder, e.g. /secrets/key.",
    ],
    "a secret path climbing out": [
      { secrets: "/secrets/../etc/key=tls:1" },
      `secrets item 1: "/secrets/../etc/key" is not a file path Cloud Run mounts: use an absolute path of letters, digits, '.', '_' and '-' without '..', e.g. /secrets/api/key.`,
    ],
    "two secrets in one folder": [
      { secrets: "/secrets/a=one:1\n/secrets/b=two:1" },
      "secrets item 2 mounts two in /secrets, where item 1 mounts one: Cloud Run mounts one secret per folder; use another folder.",
    ],
    "a secret for PORT": [
      { secrets: "PORT=p:1" },
      "secrets item 1: PORT is set by Cloud Run itself; remove it.",
    ],
    "a variable both plain and secret": [
      { secrets: "TOKEN=token:2", env: "TOKEN=abc" },
      "secrets sets TOKEN and env sets it too: keep one (a secret's value belongs in secrets).",
    ],
    "a label key in capitals": [
      { labels: "Team=payments" },
      `labels item 1 ("Team=payments") is not a label Cloud Run takes: write KEY=VALUE, the key 1-63 lowercase letters, digits, '_' or '-' starting with a letter, the value 0-63 of the same.`,
    ],
    "fngate's own label": [
      { labels: "fngate-run=x" },
      "labels item 1: fngate-run is fngate's own label, set from run-label; remove it from labels.",
    ],
    "a label twice": [{ labels: "a=1,a=2" }, "labels item 2: a is set twice; keep one."],
    "a network name with spaces": [
      { "vpc-network": "Default Net" },
      `vpc-network "Default Net" is not a VPC network: use its name (lowercase letters, digits and '-', at most 63) or projects/PROJECT/global/networks/NAME.`,
    ],
    "a subnet path with a capital": [
      { "vpc-subnet": "projects/my-project-123/regions/asia-northeast1/subnetworks/Run" },
      /^vpc-subnet ".*" is not a subnet: use its name .* or projects\/PROJECT\/regions\/REGION\/subnetworks\/NAME\.$/,
    ],
    "a connector of another region": [
      { "vpc-connector": "projects/my-project-123/locations/us-central1/connectors/c1" },
      "vpc-connector is in us-central1 but the service is in asia-northeast1: use a connector in asia-northeast1.",
    ],
    "a connector and a network": [
      { "vpc-connector": "c1", "vpc-network": "default" },
      "vpc-connector is set next to vpc-network/vpc-subnet: use Direct VPC egress (vpc-network, vpc-subnet) or a connector, not both.",
    ],
    "an egress without a network": [
      { "vpc-egress": "all-traffic" },
      "vpc-egress is set without vpc-network, vpc-subnet or vpc-connector: name the network to send traffic through, or remove vpc-egress.",
    ],
    "an egress word of its own": [
      { "vpc-egress": "everything", "vpc-network": "default" },
      `vpc-egress "everything" is not one of all-traffic, private-ranges-only.`,
    ],
    "several bad settings: named in one line": [
      { cpu: "3", port: "0", labels: "X=y" },
      /^3 inputs need fixing: \(1\) cpu "3" is not a CPU limit .* \(2\) port "0" must be a whole number from 1 to 65535 .* \(3\) labels item 1 \("X=y"\) is not a label Cloud Run takes: .*\.$/,
    ],
  };
  refusalTable("cloud-run-deploy", () => ({ inputs: inputs() }), rows);
});

describe("env-file: a YAML map in the workspace, refused before any call when it is not", () => {
  // The workspace inside a folder of its own, so the file outside it is removed with it.
  let root = "";
  let workspace = "";
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "fngate-env-file-"));
    workspace = join(root, "workspace");
    await mkdir(join(workspace, "config"), { recursive: true });
    const files: Record<string, string> = {
      "config/list.yaml": "- A=1\n- B=2\n",
      "config/broken.yaml": "A: [1, 2\nB: 3\n",
      "config/nested.yaml": "A: 1\nDB:\n  host: x\n",
      "config/reserved.yaml": "PORT: 8080\n",
      "config/bad-name.yaml": "my-var: 1\n",
      "config/token.yaml": "TOKEN: abc\n",
      "config/ok.yaml": "A: 1\nB: text\n",
    };
    for (const [path, text] of Object.entries(files)) await writeFile(join(workspace, path), text);
    await writeFile(join(root, "fngate-outside.yaml"), "A: 1\n");
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("a well-formed file passes every check", async () => {
    const verdict = await actionVerdict("cloud-run-deploy", {
      inputs: inputs({ "env-file": "config/ok.yaml" }),
      workspace,
    });
    assert.equal(verdict.outcome, "accepted", JSON.stringify(verdict));
  });
  const rows: Record<string, RefusalRow> = {
    "a file outside the workspace": [
      { "env-file": "../fngate-outside.yaml" },
      /^env-file "\.\.\/fngate-outside\.yaml" is outside the workspace \(.*\): .*point env-file at a file in it\.$/,
    ],
    "a file that is not there": [
      { "env-file": "config/missing.yaml" },
      `env-file "config/missing.yaml" does not exist in the workspace: commit the file, or fix the path (relative to the workspace).`,
    ],
    "a list instead of a map": [
      { "env-file": "config/list.yaml" },
      `env-file "config/list.yaml" must be a YAML map of KEY: value, one per line.`,
    ],
    "broken YAML": [
      { "env-file": "config/broken.yaml" },
      /^env-file "config\/broken\.yaml" is not valid YAML( \(line \d+\))?: write one KEY: value per line\.$/,
    ],
    "a nested map": [
      { "env-file": "config/nested.yaml" },
      `env-file "config/nested.yaml": DB holds a list or map; a value must be text, a number or true/false.`,
    ],
    "PORT in the file": [
      { "env-file": "config/reserved.yaml" },
      `env-file "config/reserved.yaml": PORT is set by Cloud Run itself; remove it.`,
    ],
    "a name with a hyphen": [
      { "env-file": "config/bad-name.yaml" },
      `env-file "config/bad-name.yaml": "my-var" is not a variable name: use letters, digits and _.`,
    ],
    "a variable both in the file and in secrets": [
      { "env-file": "config/token.yaml", secrets: "TOKEN=token:1" },
      "secrets sets TOKEN and env-file sets it too: keep one (a secret's value belongs in secrets).",
    ],
  };
  refusalTable("cloud-run-deploy", () => ({ inputs: inputs(), workspace }), rows);
});

describe("cloud-run-pipeline reads the same settings with the same checks", () => {
  const read = (given: Record<string, string>) => parsedBy(readCloudRunPipelineInputs, given);
  it("settings reach the deploy stage", () => {
    const parsed = read(inputs({ cpu: "2", labels: "team=a", "env-update": "merge" }));
    assert.deepEqual(parsed.deploy.settings, { envUpdate: "merge", cpu: "2", labels: { team: "a" } });
  });
  it("bad settings are named together", () => {
    assert.throws(
      () => read(inputs({ memory: "1GB", timeout: "0" })),
      /^UserError: 2 inputs need fixing: \(1\) memory "1GB" is not a memory limit .* \(2\) timeout "0" is not a request timeout .*\.$/,
    );
  });
});
