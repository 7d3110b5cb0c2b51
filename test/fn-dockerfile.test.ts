import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mayPullFrom } from "../src/docker/dockerfile-stages.ts";
import { isUserError } from "../src/errors.ts";
import {
  dockerfileFor,
  type FnBuildInputs,
  probedFiles,
  supportedRuntimes,
} from "../src/oci/functions/fn-dockerfile.ts";
import { type FuncYaml, parseFuncYaml } from "../src/oci/functions/func-yaml.ts";
import { goUrlHostAndPort } from "../src/oci/functions/runtimes/maven-opts.ts";

// Expected texts follow what fnproject/cli 0.6.63 writes (common/common.go writeTmpDockerfileV20180708);
// the python3.12, go1.24, java17, node24 and ruby3.3 cases match fn's own common/common_test.go output.

const FILE = "hello/func.yaml";

/** fn's two stages: `build` as build-stage with its steps, then `run` with its steps, each in /function. */
const stages = (build: string, buildSteps: string[], run: string, runSteps: string[]) =>
  [`FROM ${build} as build-stage`, "WORKDIR /function", ...buildSteps, `FROM ${run}`, "WORKDIR /function"]
    .concat(runSteps)
    .map((line) => `${line}\n`)
    .join("");

const func = (fields: Omit<FuncYaml, "schemaVersion">): FuncYaml => ({
  schemaVersion: 20180708,
  name: "hello",
  version: "0.0.1",
  ...fields,
});
/** Rows give the probed files space-separated, or the whole FnBuildInputs. */
const inputsOf = (given: string | FnBuildInputs = ""): FnBuildInputs =>
  typeof given === "string" ? { files: new Set(given.split(" ").filter(Boolean)) } : given;
/** A user error of one line whose message matches. */
const userError = (message: RegExp) => (error: unknown) =>
  isUserError(error) && message.test(error.message) && !error.message.includes("\n");

const PIP = "RUN pip3 install --target /python/ --no-cache --no-cache-dir";
const PIP_CACHE = "--no-index --find-links /function/.pip_cache";
const PIP_REQUIREMENTS_TAIL =
  " -r requirements.txt &&\\\n" +
  "\t\t\t    rm -fr ~/.cache/pip /tmp* requirements.txt func.yaml Dockerfile .venv &&\\\n" +
  "\t\t\t    chmod -R o+r /python";
const PY = { entrypoint: "/python/bin/fdk /function/func.py handler" };
const PYTHON_RUN_STAGE = [
  "COPY --from=build-stage /python /python",
  "COPY --from=build-stage /function /function",
  "RUN chmod -R o+r /function",
  "ENV PYTHONPATH=/function:/python",
  'ENTRYPOINT ["/python/bin/fdk", "/function/func.py", "handler"]',
];
/** The python build stage: `before` the ADD of the function, `after` it, then the pip cache removed. */
const pythonBuild = (before: string[] = [], after: string[] = []) => [
  ...before,
  "ADD . /function/",
  ...after,
  "RUN rm -fr /function/.pip_cache",
];
const python = (version: string, build = pythonBuild()) =>
  stages(`fnproject/python:${version}-dev`, build, `fnproject/python:${version}`, PYTHON_RUN_STAGE);

const NODE = { entrypoint: "node func.js" };
const NODE_RUN = ["ADD . /function/", "RUN chmod -R o+r /function", 'ENTRYPOINT ["node", "func.js"]'];
const node = (build: string, run = build) =>
  stages(`fnproject/node:${build}-dev`, [], `fnproject/node:${run}`, NODE_RUN);

const GO = { entrypoint: "./func" };
const GO_BUILD = ["ADD . /go/src/func/", "RUN go build -o func -v"];
const GO_RUN_STAGE = ["COPY --from=build-stage /go/src/func/func /function/", 'ENTRYPOINT ["./func"]'];
const GO_MODULES = ["WORKDIR /go/src/func/", "ENV GO111MODULE=on"];
const GO_TIDY = ["COPY . .", "RUN go mod tidy", "RUN go build -o func -v"];
const GO_DEP = "RUN go get -u github.com/golang/dep/cmd/dep";
const go = (version: string, build: string[]) =>
  stages(`fnproject/go:${version}-dev`, build, `fnproject/go:${version}`, GO_RUN_STAGE);

const RUBY = { entrypoint: "ruby func.rb" };
const RUBY_RUN_STAGE = [
  "COPY --from=build-stage /usr/lib/ruby/gems/ /usr/lib/ruby/gems/",
  "COPY . /function/",
  "RUN chmod -R o+r /function",
];
const ruby = (version: string, build: string[], tail = ['ENTRYPOINT ["ruby", "func.rb"]']) =>
  stages(`fnproject/ruby:${version}-dev`, build, `fnproject/ruby:${version}`, [...RUBY_RUN_STAGE, ...tail]);

const mavenOpts = (http = ["", ""], https = ["", ""], nonProxy = "") =>
  `ENV MAVEN_OPTS -Dhttp.proxyHost=${http[0]} -Dhttp.proxyPort=${http[1]} -Dhttps.proxyHost=${https[0]} -Dhttps.proxyPort=${https[1]} -Dhttp.nonProxyHosts=${nonProxy} -Dmaven.repo.local=/usr/share/maven/ref/repository`;
const MAVEN_STEPS = [
  "ADD pom.xml /function/pom.xml",
  'RUN ["mvn", "package", "dependency:copy-dependencies", "-DincludeScope=runtime", "-DskipTests=true", "-Dmdep.prependGroupId=true", "-DoutputDirectory=target", "--fail-never"]',
  "ADD src /function/src",
  'RUN ["mvn", "package"]',
];
const JAVA_CMD = "com.example.fn.HelloFunction::handleRequest";
const JAVA = { cmd: JAVA_CMD };
const JDK = "fnproject/fn-java-fdk-build";
const JRE = "fnproject/fn-java-fdk";
const FDK_ENTRYPOINT = [
  "/usr/local/openjdk-17/bin/java",
  "-XX:-UsePerfData",
  "-XX:+UseSerialGC",
  "-Xshare:auto",
  "-Djava.awt.headless=true",
  "-Djava.library.path=/function/runtime/lib",
  "-cp",
  "/function/app/*:/function/runtime/*:/function/app:/function/app/resources",
  "com.fnproject.fn.runtime.EntryPoint",
];
/** A maven build (without proxies unless `opts`); the run stage gets the jars, `entrypoint` lines and fn's CMD. */
const java = (build: string, run: string, entrypoint: string[] = [], opts = mavenOpts()) =>
  stages(build, [opts, ...MAVEN_STEPS], run, [
    "COPY --from=build-stage /function/target/*.jar /function/app/",
    ...entrypoint,
    `CMD ["${JAVA_CMD}"]`,
  ]);

const FAMILY_FIELDS: Record<string, Omit<FuncYaml, "schemaVersion">> = {
  python: PY,
  node: NODE,
  go: GO,
  ruby: RUBY,
  java: JAVA,
};
/** A runtime alone stands for func.yaml with that runtime and its family's usual entrypoint (java: cmd). */
const fieldsOf = (given: string | Omit<FuncYaml, "schemaVersion">) =>
  typeof given === "string" ? { runtime: given, ...FAMILY_FIELDS[/^[a-z]+/.exec(given)?.[0] ?? ""] } : given;

/**
 * Each case: its name, then func.yaml's fields (or just the runtime, with its family's usual entrypoint or
 * cmd), the probed files (space-separated, or the whole FnBuildInputs), the Dockerfile.
 */
type Row = [fields: string | Omit<FuncYaml, "schemaVersion">, given: string | FnBuildInputs, want: string];
const rows: Record<string, Row> = {
  "python3.12 with only func.py": ["python3.12", "", python("3.12")],
  "python3.11 with requirements.txt": [
    "python3.11",
    "requirements.txt",
    python("3.11", pythonBuild(["ADD requirements.txt /function/", `${PIP}${PIP_REQUIREMENTS_TAIL}`])),
  ],
  "python with requirements.txt, a .pip_cache and setup.py installs offline": [
    "python3.12",
    "requirements.txt .pip_cache setup.py",
    python(
      "3.12",
      pythonBuild(
        [
          "ADD .pip_cache /function/.pip_cache",
          "ADD requirements.txt /function/",
          `${PIP} ${PIP_CACHE}${PIP_REQUIREMENTS_TAIL}`,
        ],
        [`${PIP} ${PIP_CACHE} .`],
      ),
    ),
  ],
  "python setup.py without requirements.txt ignores .pip_cache, as fn does": [
    "python3.12",
    ".pip_cache setup.py",
    python("3.12", pythonBuild([], [`${PIP} .`])),
  ],
  "bare python takes fn's first registered version, 3.12": ["python", "", python("3.12")],
  "node24 without package.json": ["node24", "", node("24")],
  "node22 with package.json and package-lock.json runs npm install in the build stage": [
    "node22",
    "package.json package-lock.json",
    stages(
      "fnproject/node:22-dev",
      [
        "ADD package-lock.json /function/",
        "ADD package.json /function/",
        "RUN npm install  && chown -R $(id -u):$(id -g) node_modules",
      ],
      "fnproject/node:22",
      [
        ...NODE_RUN.slice(0, 1),
        "COPY --from=build-stage /function/node_modules/ /function/node_modules/",
      ].concat(NODE_RUN.slice(1)),
    ),
  ],
  "node with a committed node_modules skips npm install": ["node24", "package.json node_modules", node("24")],
  "bare node with no images gets fn's fallback node 22 images": ["node", "", node("22")],
  "bare node naming only build_image gets the run image of the first registered version, 24": [
    { runtime: "node", buildImage: "fnproject/node:22-dev", ...NODE },
    "",
    node("22", "24"),
  ],
  "go1.24 without go.mod": ["go1.24", "", go("1.24", GO_BUILD)],
  "go1.23 with go.mod": ["go1.23", "go.mod", go("1.23", [...GO_MODULES, ...GO_TIDY])],
  "go with go.mod and vendor (and a Gopkg.toml, which vendor overrides)": [
    "go1.24",
    "go.mod vendor Gopkg.toml",
    go("1.24", [...GO_MODULES, 'ENV GOFLAGS="-mod=vendor"', ...GO_TIDY]),
  ],
  "go with dep: Gopkg.toml and Gopkg.lock": [
    "go1.24",
    "Gopkg.toml Gopkg.lock go.mod",
    go("1.24", [
      GO_DEP,
      "ADD Gopkg.* /go/src/func/",
      "RUN cd /go/src/func/ && dep ensure --vendor-only",
      ...GO_BUILD,
    ]),
  ],
  "go with dep: Gopkg.toml alone": [
    "go1.24",
    "Gopkg.toml",
    go("1.24", [
      GO_DEP,
      "ADD . /go/src/func/",
      "RUN cd /go/src/func/ && dep ensure",
      "RUN go build -o func -v",
    ]),
  ],
  "bare go with no images gets fn's fallback go 1.11 images": ["go", "", go("1.11", GO_BUILD)],
  "java with the images fn init wrote and the run image's inspected entrypoint": [
    { runtime: "java", buildImage: `${JDK}:jdk17-1.1.7`, runImage: `${JDK}:jre17-1.1.7`, ...JAVA },
    { files: new Set(["pom.xml"]), runImageEntrypoint: FDK_ENTRYPOINT },
    java(`${JDK}:jdk17-1.1.7`, `${JDK}:jre17-1.1.7`, [
      `ENTRYPOINT [${FDK_ENTRYPOINT.map((word) => `"${word}"`).join(", ")}]`,
    ]),
  ],
  "java without the inspected entrypoint leaves the run image's ENTRYPOINT in force": [
    { runtime: "java21", buildImage: `${JDK}:jdk21-1.0.210`, runImage: `${JRE}:jre21-1.0.210`, ...JAVA },
    "pom.xml",
    java(`${JDK}:jdk21-1.0.210`, `${JRE}:jre21-1.0.210`),
  ],
  "bare java with no images gets fn's fallback java 17 images for the given FDK release": [
    "java",
    { files: new Set(["pom.xml"]), javaFdkVersion: "1.0.210" },
    java(`${JDK}:jdk17-1.0.210`, `${JRE}:jre17-1.0.210`),
  ],
  "java8 images are tagged with the bare FDK release; proxies reach MAVEN_OPTS": [
    "java8",
    {
      files: new Set(["pom.xml"]),
      javaFdkVersion: "1.0.210",
      proxy: {
        httpProxy: "http://user:secret@proxy.corp:3128",
        httpsProxy: "http://[fd00::1]:3129/",
        noProxy: "localhost,.corp,10.0.0.0/8",
      },
    },
    java(
      `${JDK}:1.0.210`,
      `${JRE}:1.0.210`,
      [],
      mavenOpts(["proxy.corp", "3128"], ["fd00::1", "3129"], "localhost|.corp|10.0.0.0/8"),
    ),
  ],
  "ruby3.3 with a Gemfile": [
    "ruby3.3",
    "Gemfile",
    ruby("3.3", ["ADD Gemfile* /function/", "RUN bundle install"]),
  ],
  "bare ruby with no images gets fn's fallback ruby 3.1 images": ["ruby", "", ruby("3.1", [])],
  "build_image and run_image from func.yaml replace the runtime's images": [
    {
      runtime: "python3.11",
      buildImage: "iad.ocir.io/ns/mirror/python:3.11-dev",
      runImage: "iad.ocir.io/ns/mirror/python:3.11",
      ...PY,
    },
    "",
    stages(
      "iad.ocir.io/ns/mirror/python:3.11-dev",
      pythonBuild(),
      "iad.ocir.io/ns/mirror/python:3.11",
      PYTHON_RUN_STAGE,
    ),
  ],
  "entrypoint and cmd are split on whitespace, and '[…]' quoting is stripped from entrypoint": [
    { runtime: "node24", entrypoint: "  '[node  --enable-source-maps\tfunc.js]' ", cmd: "handler  main" },
    "",
    stages("fnproject/node:24-dev", [], "fnproject/node:24", [
      ...NODE_RUN.slice(0, 2),
      'ENTRYPOINT ["node", "--enable-source-maps", "func.js"]',
      'CMD ["handler", "main"]',
    ]),
  ],
  "cmd alone, with a run image that has no entrypoint, writes fn's empty ENTRYPOINT": [
    { runtime: "ruby3.3", cmd: "ruby func.rb" },
    { files: new Set(), runImageEntrypoint: [] },
    ruby("3.3", [], ["ENTRYPOINT []", 'CMD ["ruby", "func.rb"]']),
  ],
};

describe("dockerfileFor writes the Dockerfile fn build would", () => {
  for (const [name, [fields, given, want]] of Object.entries(rows)) {
    it(name, () => assert.equal(dockerfileFor(func(fieldsOf(fields)), FILE, inputsOf(given)), want));
  }
});

describe("dockerfileFor refuses with a message naming func.yaml and the fix", () => {
  const refusals: Record<string, [FuncYaml, string, RegExp]> = {
    "a version fn no longer builds lists that family's runtimes": [
      func({ runtime: "python3.9", ...PY }),
      "",
      /^hello\/func\.yaml: runtime "python3\.9" .*python, python3\.12, python3\.11\).*Dockerfile/,
    ],
    "an unknown runtime lists all supported ones": [
      func({ runtime: "rust", ...GO }),
      "",
      new RegExp(`supported: ${supportedRuntimes.join(", ")}\\).*add a Dockerfile`),
    ],
    "dotnet is left to a Dockerfile": [
      func({ runtime: "dotnet8.0", cmd: "Function:Greeter:greet" }),
      "",
      /runtime "dotnet8\.0" has no fn build template.*add a Dockerfile/,
    ],
    "no runtime": [func(GO), "", /^hello\/func\.yaml has no runtime; set one of python, .*add a Dockerfile/],
    "runtime docker without a Dockerfile": [
      func({ runtime: "docker" }),
      "",
      /runtime docker builds from your own Dockerfile/,
    ],
    "an old func.yaml without schema_version, which fn deploy refuses too": [
      { runtime: "node24", ...NODE },
      "",
      /schema_version must be 20180708.*fn migrate/,
    ],
    "neither entrypoint nor cmd": [
      func({ runtime: "node24" }),
      "",
      /set entrypoint or cmd.*entrypoint: node func\.js/,
    ],
    "java without images or an FDK release": [
      func({ runtime: "java17", ...JAVA }),
      "pom.xml",
      /build_image: fnproject\/fn-java-fdk-build:jdk17-<fdk version> and run_image: fnproject\/fn-java-fdk:jre17-<fdk version>/,
    ],
    "java without a pom.xml": [
      func({
        runtime: "java17",
        buildImage: `${JDK}:jdk17-1.0.210`,
        runImage: `${JRE}:jre17-1.0.210`,
        ...JAVA,
      }),
      "",
      /no pom\.xml/,
    ],
  };
  for (const [name, [yaml, files, message]] of Object.entries(refusals)) {
    it(name, () => assert.throws(() => dockerfileFor(yaml, FILE, inputsOf(files)), userError(message)));
  }
});

describe("the supported runtimes and probed files", () => {
  it("are fn 0.6.63's runtimes for python, node, go, java and ruby", () => {
    assert.deepEqual(
      supportedRuntimes,
      "python python3.12 python3.11 node node24 node22 go go1.24 go1.23 java java21 java17 java11 java8 ruby ruby3.3".split(
        " ",
      ),
    );
  });

  it("name every file a template looks at", () => {
    const names =
      ".pip_cache Gemfile Gopkg.lock Gopkg.toml go.mod node_modules package-lock.json package.json pom.xml requirements.txt setup.py vendor";
    assert.deepEqual([...probedFiles].sort(), names.split(" ").sort());
  });
});

describe("proxy values are read the way Go's url.Parse reads them", () => {
  const table: [string, { host: string; port: string } | undefined][] = [
    ["", { host: "", port: "" }],
    ["http://proxy.corp:3128", { host: "proxy.corp", port: "3128" }],
    ["http://proxy.corp:3128/path?x=1", { host: "proxy.corp", port: "3128" }],
    ["https://user:p@ss@proxy.corp", { host: "proxy.corp", port: "" }],
    ["http://[::1]:8080", { host: "::1", port: "8080" }],
    ["//proxy.corp:80", { host: "proxy.corp", port: "80" }],
    ["proxy.corp", { host: "", port: "" }],
    ["proxy.corp:3128", { host: "", port: "" }],
    ["10.0.0.1:3128", undefined],
    ["http://proxy.corp:port", undefined],
    ["http://[::1", undefined],
    [":3128", undefined],
    ["http://proxy\n", undefined],
  ];
  for (const [raw, want] of table) {
    it(JSON.stringify(raw), () => assert.deepEqual(goUrlHostAndPort(raw), want));
  }
});

describe("parseFuncYaml", () => {
  it("reads the fields fngate uses and ignores the rest", () => {
    const text = `schema_version: 20180708\nname: hello\nversion: 1.10\nruntime: java17\nbuild_image: ${JDK}:jdk17-1.0.210\nrun_image: ${JRE}:jre17-1.0.210\ncmd: ${JAVA_CMD}\nmemory: 512\ntimeout: 120\nconfig:\n  GREETING: hi\n  RETRIES: 3\n  EMPTY:\nbuild:\n  - make\ntriggers:\n  - name: hello\n    type: http\n`;
    assert.deepEqual(parseFuncYaml(text, FILE), {
      ...func({
        version: "1.10",
        runtime: "java17",
        buildImage: "fnproject/fn-java-fdk-build:jdk17-1.0.210",
      }),
      runImage: "fnproject/fn-java-fdk:jre17-1.0.210",
      cmd: JAVA_CMD,
      memory: 512,
      timeout: 120,
      config: { GREETING: "hi", RETRIES: "3", EMPTY: "" },
      build: ["make"],
    });
  });

  it("lets a repeated key override the earlier one, as fn's yaml.v2 does", () => {
    assert.deepEqual(parseFuncYaml("runtime: go1.24\nruntime: node24\n", FILE), { runtime: "node24" });
  });

  it("treats an empty file as no fields and empty values as absent", () => {
    assert.deepEqual(parseFuncYaml("", FILE), {});
    assert.deepEqual(parseFuncYaml("runtime:\nentrypoint: ~\n", FILE), {});
  });

  const bad: Record<string, [string, RegExp]> = {
    "broken YAML": ["runtime: [python\n", /^hello\/func\.yaml is not valid YAML: /],
    "a list at the top": ["- runtime: go\n", /^hello\/func\.yaml must be a YAML mapping .*not a list/],
    "memory as a word": [
      "memory: lots\n",
      /^hello\/func\.yaml: memory must be a whole number of MB .*got "lots"/,
    ],
    "memory quoted": [
      'memory: "256"\n',
      /memory must be a whole number of MB.*"256" \(quoted, so a string\)/,
    ],
    "memory negative": ["memory: -1\n", /memory must be a whole number of MB/],
    "memory fractional": ["memory: 1.5\n", /memory must be a whole number of MB/],
    "timeout as a string": [
      "timeout: 30s\n",
      /^hello\/func\.yaml: timeout must be a whole number of seconds/,
    ],
    "timeout too large": ["timeout: 3000000000\n", /timeout 3000000000 is too large/],
    "schema_version as text": ["schema_version: latest\n", /schema_version must be a whole number/],
    "entrypoint as a list": [
      "entrypoint: [node, func.js]\n",
      /^hello\/func\.yaml: entrypoint must be a string, not a list/,
    ],
    "config as a list": ["config: [A]\n", /config must be a mapping of names to strings, not a list/],
    "config value as a mapping": ["config:\n  A:\n    B: c\n", /config\.A must be a string, not a mapping/],
    "build as a string": ["build: make\n", /build must be a list of shell commands, not a string/],
  };
  for (const [name, [text, message]] of Object.entries(bad)) {
    it(`refuses ${name} with one line naming the file and field`, () => {
      assert.throws(() => parseFuncYaml(text, FILE), userError(message));
    });
  }
});

describe("mayPullFrom: the pipeline builds alongside docker login only when the build pulls nothing from that registry", () => {
  const host = "iad.ocir.io";
  const cases: [string, string | undefined, boolean][] = [
    [
      "fn's generated Dockerfile (Docker Hub bases)",
      "FROM fnproject/node:20-dev AS build\nRUN npm i\nFROM fnproject/node:20\nCOPY --from=build /function /function",
      false,
    ],
    ["FROM scratch", "FROM scratch\nCOPY func.js /function/func.js", false],
    ["another registry", "FROM ghcr.io/acme/base:1\nCOPY --from=0 /a /b", false],
    ["a base on the login's registry", "FROM iad.ocir.io/acme/base:1", true],
    [
      "the same, after a platform flag and a line continuation",
      "FROM --platform=linux/amd64 \\\n  iad.ocir.io/acme/base:1 AS base",
      true,
    ],
    [
      "COPY --from the login's registry",
      "FROM scratch\nCOPY --from=iad.ocir.io/acme/tools:1 /bin/x /x",
      true,
    ],
    [
      "RUN --mount from the login's registry",
      "FROM alpine\nRUN --mount=type=bind,from=iad.ocir.io/acme/src:1,target=/src ls",
      true,
    ],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's build argument
    ["a base from a build argument", "ARG BASE=alpine\nFROM ${BASE}", true],
    ["a commented-out base", "# FROM iad.ocir.io/acme/base:1\nFROM alpine", false],
    ["no Dockerfile to read", undefined, true],
  ];
  for (const [what, dockerfile, expected] of cases) {
    it(`${what}: ${expected ? "waits for the login" : "builds alongside"}`, () => {
      assert.equal(mayPullFrom(dockerfile, host), expected);
    });
  }
});
