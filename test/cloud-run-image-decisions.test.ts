// The pure decisions behind building a Cloud Run image: which registry host cloud-run-deploy logs in
// to with the deployer's access token, and what a Dockerfile's final stage is built from (base-image
// needs an app image built FROM scratch).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { finalBase } from "../src/docker/dockerfile-stages.ts";
import { checkBaseImageBuild } from "../src/gcp/base-image.ts";
import { checkRegistryLogin, registryLoginHost } from "../src/gcp/registry-login-host.ts";

describe("registry login host", () => {
  const cases: [string, "auto" | "always" | "never", string | undefined][] = [
    ["asia-northeast1-docker.pkg.dev/p/r/i:1", "auto", "asia-northeast1-docker.pkg.dev"],
    ["us-docker.pkg.dev/p/r/i:1", "auto", "us-docker.pkg.dev"],
    ["gcr.io/p/i:1", "auto", "gcr.io"],
    ["eu.gcr.io/p/i:1", "auto", "eu.gcr.io"],
    ["ghcr.io/o/i:1", "auto", undefined],
    ["docker.pkg.dev.example.com/p/i:1", "auto", undefined],
    ["127.0.0.1:5000/p/i:1", "auto", undefined],
    ["127.0.0.1:5000/p/i:1", "always", "127.0.0.1:5000"],
    ["asia-northeast1-docker.pkg.dev/p/r/i:1", "never", undefined],
  ];
  for (const [image, mode, host] of cases) {
    it(`${mode} ${image} -> ${host ?? "no login"}`, () => assert.equal(registryLoginHost(image, mode), host));
  }
  it("refuses anything but auto, always and never", () => {
    assert.equal(checkRegistryLogin(undefined), "auto");
    assert.throws(
      () => checkRegistryLogin("true"),
      /^UserError: registry-login must be auto .* got "true"\.$/,
    );
  });
});

describe("a Dockerfile's final stage", () => {
  const cases: [string, ReturnType<typeof finalBase>][] = [
    ["FROM scratch\nCOPY app /app\n", { kind: "scratch" }],
    ["FROM node:22 AS build\nRUN npm ci\nFROM scratch\nCOPY --from=build /app /app\n", { kind: "scratch" }],
    ["from --platform=linux/amd64 python:3.12 as app\n", { kind: "image", from: "python:3.12" }],
    ["FROM scratch AS base\nFROM base AS final\nCOPY x /x\nFROM final\n", { kind: "scratch" }],
    [
      "# comment\nFROM \\\n  gcr.io/distroless/nodejs22\n",
      { kind: "image", from: "gcr.io/distroless/nodejs22" },
    ],
    ["ARG BASE=scratch\nFROM $BASE\n", { kind: "unknown", from: "$BASE" }],
    ["RUN echo no from\n", undefined],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text.slice(0, 50)), () => assert.deepEqual(finalBase(text), expected));
  }

  it("base-image: scratch passes, another final stage is refused, an ARG one warns", () => {
    assert.equal(checkBaseImageBuild("Dockerfile", "FROM scratch\n"), undefined);
    assert.throws(
      () => checkBaseImageBuild("Dockerfile", "FROM python:3.12-slim\n"),
      /^UserError: base-image is set, but Dockerfile's final stage is FROM python:3\.12-slim: .*make the last stage FROM scratch/,
    );
    assert.match(
      checkBaseImageBuild("Dockerfile", "ARG B\nFROM $B\n") ?? "",
      /^base-image is set and Dockerfile's final stage is FROM \$B, which depends on a build argument/,
    );
  });
});
