// Renders the root action.yml (the whole pipeline in one step) from the stage actions' own action.yml
// files and the pipeline's rename table, so every input is documented once, where its action lives.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { PIPELINE_DEADLINE, PIPELINE_RENAMES, STAGES } from "../src/inputs/pipeline-stages.ts";

interface InputSpec {
  description: string;
  required?: boolean;
  default?: string;
}

const OUTPUTS: Record<string, string> = {
  preflight: "JSON list of the preflight checks, each {check, status, detail, fix, blocks} (preflight).",
  namespace: "Tenancy namespace (fn-context / ocir-login).",
  "function-id": "OCID of the deployed function (fn-deploy).",
  image: "Image reference the function runs (fn-deploy).",
  digest: "Image digest the function is pinned to (fn-deploy).",
  "deployment-id": "OCID of the API Gateway deployment (gateway-deploy).",
  url: "The API's URL: deployment endpoint + route path (gateway-deploy).",
  passed: "Whether every smoke check passed (smoke-test).",
  results: "JSON list of the smoke checks (smoke-test).",
  changed:
    "Whether this run changed the cloud (fn-deploy created or updated the function, gateway-deploy the deployment): false on a re-run with nothing new. Set when the run ends, also when a smoke check failed.",
  promoted:
    "true when this run's version stays live: the smoke test passed (or was skipped). false when it failed; with rollout verify-then-promote the previous version was then put back (see rolled-back).",
  "rolled-back":
    "true when a failed smoke test made the run put back everything it changed (the function's previous image and settings, the deployment's previous specification) or remove what it created; false otherwise, also when the rollback itself failed (the step's error then says what is live).",
  "previous-image":
    "The image the function ran before this run, pinned by digest (<host>/<path>@sha256:…); the current one when nothing changed, empty when this run created the function. Deploy it again (fn-deploy's image input) to roll back by hand.",
  "previous-deployment-etag":
    "The deployment's etag before this run changed it (the read its update carried as if-match); the current one when nothing changed, empty when this run created the deployment.",
};

export async function renderPipelineAction(root: string): Promise<string> {
  const inputs: Record<string, InputSpec & { stages: string[] }> = {
    skip: {
      description: `Comma-separated stages not to run: ${STAGES.join(", ")}. A skipped stage's result comes from earlier steps or inputs (e.g. skip fn-context after a separate fn-context step).`,
      required: false,
      stages: [],
    },
    "deadline-minutes": { ...PIPELINE_DEADLINE, stages: [] },
    preflight: {
      description:
        "Run the read-only preflight checks (as actions/preflight does) right after fn-context, before anything changes: credentials, compartment, application, OCIR repository, gateway, the gateway → functions IAM policy, the remote JWKS, the issuers and the Entra token version (preflight requests the token entra-token would get). A miss that would surely fail the deploy stops the step with its fix; the rest are warnings. false skips them.",
      required: false,
      default: "true",
      stages: [],
    },
    rollout: {
      description:
        "How the deploy goes live. verify-then-promote: before changing them, the function's image (by digest) and the deployment's specification (with its etag) are remembered; when the smoke test fails, both are put back (a deployment or function this run created is deleted instead), waited for, and the smoke test runs again to prove the previous API answers; the run still fails, naming what was rolled back. direct: whatever was deployed stays live even when the smoke test fails.",
      required: false,
      default: "verify-then-promote",
      stages: [],
    },
    "github-token": {
      description:
        "Records the run as a GitHub deployment of this commit to `environment` (in progress, then success with the verified URL, or failure; a step stopped mid-run is marked error by the post step), and on a pull request keeps one comment with the URL and the smoke checks, updated on every run. Pass the job's own token (the `github.token` expression) with `permissions: deployments: write` (and `pull-requests: write` for the comment). Empty: no record. GitHub only; the CLI has no such flag.",
      required: false,
      stages: [],
    },
    environment: {
      description:
        "With github-token: the environment the GitHub deployment is recorded for (shown on the repository's Environments page and the pull request).",
      required: false,
      default: "production",
      stages: [],
    },
  };
  for (const stage of STAGES) {
    const action = parse(await readFile(join(root, "actions", stage, "action.yml"), "utf8")) as {
      inputs?: Record<string, InputSpec>;
    };
    const renames = PIPELINE_RENAMES[stage];
    for (const [name, spec] of Object.entries(action.inputs ?? {})) {
      const renamed = name in renames ? renames[name] : name;
      if (renamed === null || renamed === undefined) continue;
      const existing = inputs[renamed];
      if (existing) {
        existing.stages.push(stage);
        continue;
      }
      inputs[renamed] = {
        description: spec.description.replace(/\s+/g, " ").trim(),
        required: false,
        ...(spec.default === undefined ? {} : { default: spec.default }),
        stages: [stage],
      };
    }
  }
  const document = {
    name: "fngate",
    description:
      "From a repository to a live HTTPS API that only authenticated callers can reach, and proof that it works, in one step: fn-context, preflight (read-only checks that stop the step before any change when the deploy would fail), ocir-login, fn-deploy, gateway-deploy, entra-token and smoke-test, each in its own log group, every stage skippable; the post step undoes what fn-context and ocir-login changed.",
    author: "fngate",
    branding: { icon: "shield", color: "red" },
    inputs: Object.fromEntries(
      Object.entries(inputs).map(([name, { stages, description, ...spec }]) => [
        name,
        { description: stages.length > 0 ? `(${stages.join(", ")}) ${description}` : description, ...spec },
      ]),
    ),
    outputs: Object.fromEntries(
      Object.entries(OUTPUTS).map(([name, description]) => [name, { description }]),
    ),
    runs: {
      using: "node24",
      main: "dist/pipeline/index.js",
      post: "dist/pipeline/post.js",
      "post-if": "always()",
    },
  };
  const header =
    "# Generated by `npm run docs` from actions/*/action.yml and src/inputs/pipeline-stages.ts: edit those.\n";
  return header + stringify(document, { lineWidth: 0 });
}
