import { devAndRunImages, type LanguageTemplate } from "./language-template.ts";

const PIP_INSTALL = "RUN pip3 install --target /python/ --no-cache --no-cache-dir";

/**
 * Follows fnproject/cli langs/python.go (PythonLangHelper). The requirements step is one RUN whose
 * continuation lines carry the indentation of fn's Go source (three tabs, four spaces), kept so that
 * the text is byte-identical to what `fn build --verbose` prints.
 */
export const python: LanguageTemplate = {
  family: "python",
  versions: ["3.12", "3.11"],
  probes: ["requirements.txt", ".pip_cache", "setup.py"],
  initHint: "entrypoint: /python/bin/fdk /function/func.py handler",
  ...devAndRunImages("fnproject/python"),
  buildStage({ files }) {
    const lines: string[] = [];
    let pip = PIP_INSTALL;
    if (files.has("requirements.txt")) {
      // A vendored wheel cache only switches pip offline for the requirements, and for setup.py after it.
      if (files.has(".pip_cache")) {
        lines.push("ADD .pip_cache /function/.pip_cache");
        pip += " --no-index --find-links /function/.pip_cache";
      }
      lines.push("ADD requirements.txt /function/");
      lines.push(
        `${pip} -r requirements.txt &&\\\n` +
          "\t\t\t    rm -fr ~/.cache/pip /tmp* requirements.txt func.yaml Dockerfile .venv &&\\\n" +
          "\t\t\t    chmod -R o+r /python",
      );
    }
    lines.push("ADD . /function/");
    if (files.has("setup.py")) lines.push(`${pip} .`);
    lines.push("RUN rm -fr /function/.pip_cache");
    return lines;
  },
  runStage: () => [
    "COPY --from=build-stage /python /python",
    "COPY --from=build-stage /function /function",
    "RUN chmod -R o+r /function",
    "ENV PYTHONPATH=/function:/python",
  ],
};
