import { devAndRunImages, type LanguageTemplate } from "./language-template.ts";

/**
 * Follows fnproject/cli langs/node.go (NodeLangHelper). A committed node_modules is used as it is:
 * fn then skips npm install and copies the whole directory, modules included.
 */
export const node: LanguageTemplate = {
  family: "node",
  versions: ["24", "22"],
  bareStampVersion: "22",
  probes: ["package.json", "package-lock.json", "node_modules"],
  initHint: "entrypoint: node func.js",
  ...devAndRunImages("fnproject/node"),
  buildStage({ files }) {
    if (!installs(files)) return [];
    const lines = files.has("package-lock.json") ? ["ADD package-lock.json /function/"] : [];
    // The double space after "install" is fn's; keeping it keeps the layer text identical.
    lines.push("ADD package.json /function/", "RUN npm install  && chown -R $(id -u):$(id -g) node_modules");
    return lines;
  },
  runStage({ files }) {
    const lines = ["ADD . /function/"];
    if (installs(files))
      lines.push("COPY --from=build-stage /function/node_modules/ /function/node_modules/");
    lines.push("RUN chmod -R o+r /function");
    return lines;
  },
};

function installs(files: ReadonlySet<string>): boolean {
  return files.has("package.json") && !files.has("node_modules");
}
