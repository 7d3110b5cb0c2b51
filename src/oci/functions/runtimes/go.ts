import { devAndRunImages, type LanguageTemplate } from "./language-template.ts";

/**
 * Follows fnproject/cli langs/go.go (GoLangHelper): dep (Gopkg.toml) unless the code is vendored,
 * else Go modules, else plain GOPATH sources. fn tests "vendor/" with os.Stat and counts any error other
 * than "not found", so any entry named vendor counts as present.
 */
export const go: LanguageTemplate = {
  family: "go",
  versions: ["1.24", "1.23"],
  bareStampVersion: "1.11",
  probes: ["vendor", "Gopkg.toml", "Gopkg.lock", "go.mod"],
  initHint: "entrypoint: ./func",
  ...devAndRunImages("fnproject/go"),
  buildStage({ files }) {
    const vendored = files.has("vendor");
    const lines: string[] = [];
    if (!vendored && files.has("Gopkg.toml")) {
      lines.push("RUN go get -u github.com/golang/dep/cmd/dep");
      if (files.has("Gopkg.lock")) {
        lines.push(
          "ADD Gopkg.* /go/src/func/",
          "RUN cd /go/src/func/ && dep ensure --vendor-only",
          "ADD . /go/src/func/",
        );
      } else {
        lines.push("ADD . /go/src/func/", "RUN cd /go/src/func/ && dep ensure");
      }
    } else if (files.has("go.mod")) {
      lines.push("WORKDIR /go/src/func/", "ENV GO111MODULE=on");
      if (vendored) lines.push('ENV GOFLAGS="-mod=vendor"');
      lines.push("COPY . .", "RUN go mod tidy");
    } else {
      lines.push("ADD . /go/src/func/");
    }
    lines.push("RUN go build -o func -v");
    return lines;
  },
  runStage: () => ["COPY --from=build-stage /go/src/func/func /function/"],
};
