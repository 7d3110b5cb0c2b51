import assert from "node:assert/strict";
import { describe, it } from "node:test";
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

function dockerfile(...lines: string[]): string {
  return lines.map((line) => `${line}\n`).join("");
}

/** fn's two stages: `build` as build-stage with its steps, then `run` with its steps, each in /function. */
function stages(build: string, buildSteps: string[], run: string, runSteps: string[]): string {
  return dockerfile(
    `FROM ${build} as build-stage`,
    "WORKDIR /function",
    ...buildSteps,
    `FROM ${run}`,
    "WORKDIR /function",
    ...runSteps,
  );
}

function func(fields: Omit<FuncYaml, "schemaVersion">): FuncYaml {
  return { schemaVersion: 20180708, name: "hello", version: "0.0.1", ...fields };
}

const none: FnBuildInputs = { files: new Set() };
const withFiles = (...names: string[]): FnBuildInputs => ({ files: new Set(names) });

const PIP = "RUN pip3 install --target /python/ --no-cache --no-cache-dir";
const PIP_REQUIREMENTS_TAIL =
  " -r requirements.txt &&\\\n" +
  "\t\t\t    rm -fr ~/.cache/pip /tmp* requirements.txt func.yaml Dockerfile .venv &&\\\n" +
  "\t\t\t    chmod -R o+r /python";
const PYTHON_ENTRYPOINT = "/python/bin/fdk /function/func.py handler";
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

const NODE_RUN_STAGE = ["ADD . /function/", "RUN chmod -R o+r /function", 'ENTRYPOINT ["node", "func.js"]'];
const GO_BUILD = ["ADD . /go/src/func/", "RUN go build -o func -v"];
const GO_RUN_STAGE = ["COPY --from=build-stage /go/src/func/func /function/", 'ENTRYPOINT ["./func"]'];
const GO_MODULES = ["WORKDIR /go/src/func/", "ENV GO111MODULE=on"];
const go = (version: string, build: string[]) =>
  stages(`fnproject/go:${version}-dev`, build, `fnproject/go:${version}`, GO_RUN_STAGE);
const GO_DEP = "RUN go get -u github.com/golang/dep/cmd/dep";
const RUBY_RUN_STAGE = [
  "COPY --from=build-stage /usr/lib/ruby/gems/ /usr/lib/ruby/gems/",
  "COPY . /function/",
  "RUN chmod -R o+r /function",
];

const NO_PROXY_MAVEN_OPTS =
  "ENV MAVEN_OPTS -Dhttp.proxyHost= -Dhttp.proxyPort= -Dhttps.proxyHost= -Dhttps.proxyPort= " +
  "-Dhttp.nonProxyHosts= -Dmaven.repo.local=/usr/share/maven/ref/repository";
const MAVEN_STEPS = [
  "ADD pom.xml /function/pom.xml",
  'RUN ["mvn", "package", "dependency:copy-dependencies", "-DincludeScope=runtime", "-DskipTests=true", "-Dmdep.prependGroupId=true", "-DoutputDirectory=target", "--fail-never"]',
  "ADD src /function/src",
  'RUN ["mvn", "package"]',
];
const JAVA_CMD = "com.example.fn.HelloFunction::handleRequest";
const JAVA_JARS = "COPY --from=build-stage /function/target/*.jar /function/app/";
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
/** A maven build without proxies; the run stage gets the jars, `entrypoint` lines and fn's CMD. */
const java = (build: string, run: string, entrypoint: string[] = []) =>
  stages(build, [NO_PROXY_MAVEN_OPTS, ...MAVEN_STEPS], run, [
    JAVA_JARS,
    ...entrypoint,
    `CMD ["${JAVA_CMD}"]`,
  ]);

interface Case {
  name: string;
  func: FuncYaml;
  inputs?: FnBuildInputs;
  want: string;
}

const cases: Case[] = [
  // python
  {
    name: "python3.12 with only func.py",
    func: func({ runtime: "python3.12", entrypoint: PYTHON_ENTRYPOINT }),
    want: python("3.12"),
  },
  {
    name: "python3.11 with requirements.txt",
    func: func({ runtime: "python3.11", entrypoint: PYTHON_ENTRYPOINT }),
    inputs: withFiles("requirements.txt"),
    want: python("3.11", pythonBuild(["ADD requirements.txt /function/", `${PIP}${PIP_REQUIREMENTS_TAIL}`])),
  },
  {
    name: "python with requirements.txt, a .pip_cache and setup.py installs offline",
    func: func({ runtime: "python3.12", entrypoint: PYTHON_ENTRYPOINT }),
    inputs: withFiles("requirements.txt", ".pip_cache", "setup.py"),
    want: python(
      "3.12",
      pythonBuild(
        [
          "ADD .pip_cache /function/.pip_cache",
          "ADD requirements.txt /function/",
          `${PIP} --no-index --find-links /function/.pip_cache${PIP_REQUIREMENTS_TAIL}`,
        ],
        [`${PIP} --no-index --find-links /function/.pip_cache .`],
      ),
    ),
  },
  {
    name: "python setup.py without requirements.txt ignores .pip_cache, as fn does",
    func: func({ runtime: "python3.12", entrypoint: PYTHON_ENTRYPOINT }),
    inputs: withFiles(".pip_cache", "setup.py"),
    want: python("3.12", pythonBuild([], [`${PIP} .`])),
  },
  {
    name: "bare python takes fn's first registered version, 3.12",
    func: func({ runtime: "python", entrypoint: PYTHON_ENTRYPOINT }),
    want: python("3.12"),
  },
  // node
  {
    name: "node24 without package.json",
    func: func({ runtime: "node24", entrypoint: "node func.js" }),
    want: stages("fnproject/node:24-dev", [], "fnproject/node:24", NODE_RUN_STAGE),
  },
  {
    name: "node22 with package.json and package-lock.json runs npm install in the build stage",
    func: func({ runtime: "node22", entrypoint: "node func.js" }),
    inputs: withFiles("package.json", "package-lock.json"),
    want: stages(
      "fnproject/node:22-dev",
      [
        "ADD package-lock.json /function/",
        "ADD package.json /function/",
        "RUN npm install  && chown -R $(id -u):$(id -g) node_modules",
      ],
      "fnproject/node:22",
      [
        "ADD . /function/",
        "COPY --from=build-stage /function/node_modules/ /function/node_modules/",
        "RUN chmod -R o+r /function",
        'ENTRYPOINT ["node", "func.js"]',
      ],
    ),
  },
  {
    name: "node with a committed node_modules skips npm install",
    func: func({ runtime: "node24", entrypoint: "node func.js" }),
    inputs: withFiles("package.json", "node_modules"),
    want: stages("fnproject/node:24-dev", [], "fnproject/node:24", NODE_RUN_STAGE),
  },
  {
    name: "bare node with no images gets fn's fallback node 22 images",
    func: func({ runtime: "node", entrypoint: "node func.js" }),
    want: stages("fnproject/node:22-dev", [], "fnproject/node:22", NODE_RUN_STAGE),
  },
  {
    name: "bare node naming only build_image gets the run image of the first registered version, 24",
    func: func({ runtime: "node", buildImage: "fnproject/node:22-dev", entrypoint: "node func.js" }),
    want: stages("fnproject/node:22-dev", [], "fnproject/node:24", NODE_RUN_STAGE),
  },
  // go
  {
    name: "go1.24 without go.mod",
    func: func({ runtime: "go1.24", entrypoint: "./func" }),
    want: go("1.24", GO_BUILD),
  },
  {
    name: "go1.23 with go.mod",
    func: func({ runtime: "go1.23", entrypoint: "./func" }),
    inputs: withFiles("go.mod"),
    want: go("1.23", [...GO_MODULES, "COPY . .", "RUN go mod tidy", "RUN go build -o func -v"]),
  },
  {
    name: "go with go.mod and vendor (and a Gopkg.toml, which vendor overrides)",
    func: func({ runtime: "go1.24", entrypoint: "./func" }),
    inputs: withFiles("go.mod", "vendor", "Gopkg.toml"),
    want: go("1.24", [
      ...GO_MODULES,
      'ENV GOFLAGS="-mod=vendor"',
      "COPY . .",
      "RUN go mod tidy",
      "RUN go build -o func -v",
    ]),
  },
  {
    name: "go with dep: Gopkg.toml and Gopkg.lock",
    func: func({ runtime: "go1.24", entrypoint: "./func" }),
    inputs: withFiles("Gopkg.toml", "Gopkg.lock", "go.mod"),
    want: go("1.24", [
      GO_DEP,
      "ADD Gopkg.* /go/src/func/",
      "RUN cd /go/src/func/ && dep ensure --vendor-only",
      ...GO_BUILD,
    ]),
  },
  {
    name: "go with dep: Gopkg.toml alone",
    func: func({ runtime: "go1.24", entrypoint: "./func" }),
    inputs: withFiles("Gopkg.toml"),
    want: go("1.24", [
      GO_DEP,
      "ADD . /go/src/func/",
      "RUN cd /go/src/func/ && dep ensure",
      "RUN go build -o func -v",
    ]),
  },
  {
    name: "bare go with no images gets fn's fallback go 1.11 images",
    func: func({ runtime: "go", entrypoint: "./func" }),
    want: go("1.11", GO_BUILD),
  },
  // java
  {
    name: "java with the images fn init wrote and the run image's inspected entrypoint",
    func: func({
      runtime: "java",
      buildImage: "fnproject/fn-java-fdk-build:jdk17-1.1.7",
      runImage: "fnproject/fn-java-fdk-build:jre17-1.1.7",
      cmd: JAVA_CMD,
    }),
    inputs: { files: new Set(["pom.xml"]), runImageEntrypoint: FDK_ENTRYPOINT },
    want: java("fnproject/fn-java-fdk-build:jdk17-1.1.7", "fnproject/fn-java-fdk-build:jre17-1.1.7", [
      `ENTRYPOINT [${FDK_ENTRYPOINT.map((word) => `"${word}"`).join(", ")}]`,
    ]),
  },
  {
    name: "java without the inspected entrypoint leaves the run image's ENTRYPOINT in force",
    func: func({
      runtime: "java21",
      buildImage: "fnproject/fn-java-fdk-build:jdk21-1.0.210",
      runImage: "fnproject/fn-java-fdk:jre21-1.0.210",
      cmd: JAVA_CMD,
    }),
    inputs: withFiles("pom.xml"),
    want: java("fnproject/fn-java-fdk-build:jdk21-1.0.210", "fnproject/fn-java-fdk:jre21-1.0.210"),
  },
  {
    name: "bare java with no images gets fn's fallback java 17 images for the given FDK release",
    func: func({ runtime: "java", cmd: JAVA_CMD }),
    inputs: { files: new Set(["pom.xml"]), javaFdkVersion: "1.0.210" },
    want: java("fnproject/fn-java-fdk-build:jdk17-1.0.210", "fnproject/fn-java-fdk:jre17-1.0.210"),
  },
  {
    name: "java8 images are tagged with the bare FDK release; proxies reach MAVEN_OPTS",
    func: func({ runtime: "java8", cmd: JAVA_CMD }),
    inputs: {
      files: new Set(["pom.xml"]),
      javaFdkVersion: "1.0.210",
      proxy: {
        httpProxy: "http://user:secret@proxy.corp:3128",
        httpsProxy: "http://[fd00::1]:3129/",
        noProxy: "localhost,.corp,10.0.0.0/8",
      },
    },
    want: stages(
      "fnproject/fn-java-fdk-build:1.0.210",
      [
        "ENV MAVEN_OPTS -Dhttp.proxyHost=proxy.corp -Dhttp.proxyPort=3128 -Dhttps.proxyHost=fd00::1 " +
          "-Dhttps.proxyPort=3129 -Dhttp.nonProxyHosts=localhost|.corp|10.0.0.0/8 " +
          "-Dmaven.repo.local=/usr/share/maven/ref/repository",
        ...MAVEN_STEPS,
      ],
      "fnproject/fn-java-fdk:1.0.210",
      [JAVA_JARS, `CMD ["${JAVA_CMD}"]`],
    ),
  },
  // ruby
  {
    name: "ruby3.3 with a Gemfile",
    func: func({ runtime: "ruby3.3", entrypoint: "ruby func.rb" }),
    inputs: withFiles("Gemfile"),
    want: stages(
      "fnproject/ruby:3.3-dev",
      ["ADD Gemfile* /function/", "RUN bundle install"],
      "fnproject/ruby:3.3",
      [...RUBY_RUN_STAGE, 'ENTRYPOINT ["ruby", "func.rb"]'],
    ),
  },
  {
    name: "bare ruby with no images gets fn's fallback ruby 3.1 images",
    func: func({ runtime: "ruby", entrypoint: "ruby func.rb" }),
    want: stages("fnproject/ruby:3.1-dev", [], "fnproject/ruby:3.1", [
      ...RUBY_RUN_STAGE,
      'ENTRYPOINT ["ruby", "func.rb"]',
    ]),
  },
  // func.yaml overrides
  {
    name: "build_image and run_image from func.yaml replace the runtime's images",
    func: func({
      runtime: "python3.11",
      buildImage: "iad.ocir.io/ns/mirror/python:3.11-dev",
      runImage: "iad.ocir.io/ns/mirror/python:3.11",
      entrypoint: PYTHON_ENTRYPOINT,
    }),
    want: stages(
      "iad.ocir.io/ns/mirror/python:3.11-dev",
      pythonBuild(),
      "iad.ocir.io/ns/mirror/python:3.11",
      PYTHON_RUN_STAGE,
    ),
  },
  {
    name: "entrypoint and cmd are split on whitespace, and '[…]' quoting is stripped from entrypoint",
    func: func({
      runtime: "node24",
      entrypoint: "  '[node  --enable-source-maps\tfunc.js]' ",
      cmd: "handler  main",
    }),
    want: stages("fnproject/node:24-dev", [], "fnproject/node:24", [
      "ADD . /function/",
      "RUN chmod -R o+r /function",
      'ENTRYPOINT ["node", "--enable-source-maps", "func.js"]',
      'CMD ["handler", "main"]',
    ]),
  },
  {
    name: "cmd alone, with a run image that has no entrypoint, writes fn's empty ENTRYPOINT",
    func: func({ runtime: "ruby3.3", cmd: "ruby func.rb" }),
    inputs: { files: new Set(), runImageEntrypoint: [] },
    want: stages("fnproject/ruby:3.3-dev", [], "fnproject/ruby:3.3", [
      ...RUBY_RUN_STAGE,
      "ENTRYPOINT []",
      'CMD ["ruby", "func.rb"]',
    ]),
  },
];

describe("dockerfileFor writes the Dockerfile fn build would", () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(dockerfileFor(c.func, FILE, c.inputs ?? none), c.want);
    });
  }

  it("reads a func.yaml the way fn init writes it", () => {
    const parsed = parseFuncYaml(
      [
        "schema_version: 20180708",
        "name: hello",
        "version: 0.0.1",
        "runtime: python",
        "build_image: fnproject/python:3.12-dev",
        "run_image: fnproject/python:3.12",
        "entrypoint: /python/bin/fdk /function/func.py handler",
        "memory: 256",
        "",
      ].join("\n"),
      FILE,
    );
    assert.equal(dockerfileFor(parsed, FILE, none), python("3.12"));
  });
});

describe("dockerfileFor refuses with a message naming func.yaml and the fix", () => {
  const refusals: { name: string; func: FuncYaml; inputs?: FnBuildInputs; message: RegExp }[] = [
    {
      name: "a version fn no longer builds lists that family's runtimes",
      func: func({ runtime: "python3.9", entrypoint: PYTHON_ENTRYPOINT }),
      message: /^hello\/func\.yaml: runtime "python3\.9" .*python, python3\.12, python3\.11\).*Dockerfile/,
    },
    {
      name: "an unknown runtime lists all supported ones",
      func: func({ runtime: "rust", entrypoint: "./func" }),
      message: new RegExp(`supported: ${supportedRuntimes.join(", ")}\\).*add a Dockerfile`),
    },
    {
      name: "dotnet is left to a Dockerfile",
      func: func({ runtime: "dotnet8.0", cmd: "Function:Greeter:greet" }),
      message: /runtime "dotnet8\.0" has no fn build template.*add a Dockerfile/,
    },
    {
      name: "no runtime",
      func: func({ entrypoint: "./func" }),
      message: /^hello\/func\.yaml has no runtime; set one of python, .*add a Dockerfile/,
    },
    {
      name: "runtime docker without a Dockerfile",
      func: func({ runtime: "docker" }),
      message: /runtime docker builds from your own Dockerfile/,
    },
    {
      name: "an old func.yaml without schema_version, which fn deploy refuses too",
      func: { runtime: "node24", entrypoint: "node func.js" },
      message: /schema_version must be 20180708.*fn migrate/,
    },
    {
      name: "neither entrypoint nor cmd",
      func: func({ runtime: "node24" }),
      message: /set entrypoint or cmd.*entrypoint: node func\.js/,
    },
    {
      name: "java without images or an FDK release",
      func: func({ runtime: "java17", cmd: JAVA_CMD }),
      inputs: withFiles("pom.xml"),
      message:
        /build_image: fnproject\/fn-java-fdk-build:jdk17-<fdk version> and run_image: fnproject\/fn-java-fdk:jre17-<fdk version>/,
    },
    {
      name: "java without a pom.xml",
      func: func({
        runtime: "java17",
        buildImage: "fnproject/fn-java-fdk-build:jdk17-1.0.210",
        runImage: "fnproject/fn-java-fdk:jre17-1.0.210",
        cmd: JAVA_CMD,
      }),
      message: /no pom\.xml/,
    },
  ];
  for (const r of refusals) {
    it(r.name, () => {
      assert.throws(
        () => dockerfileFor(r.func, FILE, r.inputs ?? none),
        (error: unknown) =>
          isUserError(error) && r.message.test(error.message) && !error.message.includes("\n"),
      );
    });
  }
});

describe("the supported runtimes and probed files", () => {
  it("are fn 0.6.63's runtimes for python, node, go, java and ruby", () => {
    assert.deepEqual(supportedRuntimes, [
      "python",
      "python3.12",
      "python3.11",
      "node",
      "node24",
      "node22",
      "go",
      "go1.24",
      "go1.23",
      "java",
      "java21",
      "java17",
      "java11",
      "java8",
      "ruby",
      "ruby3.3",
    ]);
  });

  it("name every file a template looks at", () => {
    assert.deepEqual(
      [...probedFiles].sort(),
      [
        ".pip_cache",
        "Gemfile",
        "Gopkg.lock",
        "Gopkg.toml",
        "go.mod",
        "node_modules",
        "package-lock.json",
        "package.json",
        "pom.xml",
        "requirements.txt",
        "setup.py",
        "vendor",
      ].sort(),
    );
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
    const parsed = parseFuncYaml(
      [
        "schema_version: 20180708",
        "name: hello",
        "version: 1.10",
        "runtime: java17",
        "build_image: fnproject/fn-java-fdk-build:jdk17-1.0.210",
        "run_image: fnproject/fn-java-fdk:jre17-1.0.210",
        "cmd: com.example.fn.HelloFunction::handleRequest",
        "memory: 512",
        "timeout: 120",
        "config:",
        "  GREETING: hi",
        "  RETRIES: 3",
        "  EMPTY:",
        "build:",
        "  - make",
        "triggers:",
        "  - name: hello",
        "    type: http",
        "",
      ].join("\n"),
      FILE,
    );
    assert.deepEqual(parsed, {
      schemaVersion: 20180708,
      name: "hello",
      version: "1.10",
      runtime: "java17",
      buildImage: "fnproject/fn-java-fdk-build:jdk17-1.0.210",
      runImage: "fnproject/fn-java-fdk:jre17-1.0.210",
      cmd: "com.example.fn.HelloFunction::handleRequest",
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

  const bad: [string, string, RegExp][] = [
    ["broken YAML", "runtime: [python\n", /^hello\/func\.yaml is not valid YAML: /],
    ["a list at the top", "- runtime: go\n", /^hello\/func\.yaml must be a YAML mapping .*not a list/],
    [
      "memory as a word",
      "memory: lots\n",
      /^hello\/func\.yaml: memory must be a whole number of MB .*got "lots"/,
    ],
    [
      "memory quoted",
      'memory: "256"\n',
      /memory must be a whole number of MB.*"256" \(quoted, so a string\)/,
    ],
    ["memory negative", "memory: -1\n", /memory must be a whole number of MB/],
    ["memory fractional", "memory: 1.5\n", /memory must be a whole number of MB/],
    [
      "timeout as a string",
      "timeout: 30s\n",
      /^hello\/func\.yaml: timeout must be a whole number of seconds/,
    ],
    ["timeout too large", "timeout: 3000000000\n", /timeout 3000000000 is too large/],
    ["schema_version as text", "schema_version: latest\n", /schema_version must be a whole number/],
    [
      "entrypoint as a list",
      "entrypoint: [node, func.js]\n",
      /^hello\/func\.yaml: entrypoint must be a string, not a list/,
    ],
    ["config as a list", "config: [A]\n", /config must be a mapping of names to strings, not a list/],
    ["config value as a mapping", "config:\n  A:\n    B: c\n", /config\.A must be a string, not a mapping/],
    ["build as a string", "build: make\n", /build must be a list of shell commands, not a string/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name} with one line naming the file and field`, () => {
      assert.throws(
        () => parseFuncYaml(text, FILE),
        (error: unknown) =>
          isUserError(error) && message.test(error.message) && !error.message.includes("\n"),
      );
    });
  }
});
