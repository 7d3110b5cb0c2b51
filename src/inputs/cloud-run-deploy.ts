import { homedir } from "node:os";
import { join } from "node:path";
import { findDocker } from "../docker/docker-cli.ts";
import { actionInputs, type InputReader, withDefined } from "../github/inputs.ts";
import { checkRunLabel } from "../run-label.ts";
import type { CloudRunDeployInputs, CloudRunDeployTools } from "../steps/cloud-run-deploy.ts";
import { getCredentialInputs, githubTokenSource } from "./gcp-id-token.ts";

export function getInputs(read: InputReader = actionInputs): CloudRunDeployInputs {
  const credentials = getCredentialInputs(read);
  const inputs: CloudRunDeployInputs = {
    ...credentials,
    project: read.required("project"),
    region: read.required("region"),
    service: read.required("service"),
    image: read.required("image"),
    ingress: read.optional("ingress") ?? "all",
    allowUnauthenticated: read.boolean("allow-unauthenticated", false),
    wait: read.boolean("wait", true),
  };
  return withDefined(inputs, {
    path: read.optional("path"),
    dockerfile: read.optional("dockerfile"),
    function: read.optional("function"),
    baseImage: read.optional("base-image"),
    registryLogin: read.optional("registry-login"),
    env: read.optional("env"),
    invokers: read.optional("invokers"),
    runLabel: checkRunLabel(read.optional("run-label")),
  });
}

export async function getTools(): Promise<CloudRunDeployTools> {
  return {
    ...githubTokenSource(),
    docker: await findDocker(process.env.PATH, process.env),
    dockerConfigDir: process.env.DOCKER_CONFIG || join(homedir(), ".docker"),
  };
}
