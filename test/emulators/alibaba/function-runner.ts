// Runs an invocation the way FC does, on this machine. Code packages on a Node.js runtime run in a
// child process through nodejs-bootstrap.ts with the role's credentials in context.credentials. A
// custom container is stood in for by running the image's registered command (its CMD) as a child
// process: FC starts the container's HTTP server and POSTs /invoke to it with the credentials in
// x-fc-access-key-id / x-fc-access-key-secret / x-fc-security-token; so does this. No real
// container runs: the image name maps to a local command registered by the test.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { freeLoopbackPort } from "../http/loopback-server.ts";
import type { ContainerImage, StsCredential } from "./state.ts";

const BOOTSTRAP = join(import.meta.dirname, "nodejs-bootstrap.ts");

export interface InvocationInput {
  functionName: string;
  region: string;
  accountId: string;
  requestId: string;
  spec: Record<string, unknown>;
  zip?: Buffer;
  image?: ContainerImage;
  event: Buffer;
  credentials?: StsCredential;
  /** For the function's own HTTPS calls (NODE_EXTRA_CA_CERTS). */
  caFile: string;
}

export interface InvocationOutcome {
  status: number;
  body: Buffer;
  /** x-fc-error-type: set when the function itself failed. */
  errorType?: string;
}

export async function runInvocation(input: InvocationInput): Promise<InvocationOutcome> {
  const workDir = await mkdtemp(join(tmpdir(), "fngate-fc-"));
  try {
    if (input.image) return await runContainer(input, input.image);
    const codeDir = await extractCode(input.zip ?? Buffer.alloc(0), join(workDir, "code"));
    if (String(input.spec.runtime).startsWith("custom")) return await runCustomRuntime(input, codeDir);
    return await runNodejs(input, codeDir, workDir);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function functionEnv(input: InvocationInput): NodeJS.ProcessEnv {
  const variables = (input.spec.environmentVariables ?? {}) as Record<string, string>;
  return {
    PATH: process.env.PATH,
    ...variables,
    NODE_EXTRA_CA_CERTS: input.caFile,
    FC_FUNCTION_NAME: input.functionName,
    FC_REGION: input.region,
    FC_ACCOUNT_ID: input.accountId,
  };
}

function timeoutMs(input: InvocationInput): number {
  return Number(input.spec.timeout ?? 3) * 1000;
}

/** Unzips the package as FC does into /code, keeping each file's Unix mode (bootstrap must be executable). */
async function extractCode(zip: Buffer, codeDir: string): Promise<string> {
  const modes = zipUnixModes(zip);
  for (const [name, data] of Object.entries(unzipSync(new Uint8Array(zip)))) {
    if (name.endsWith("/")) continue;
    const path = join(codeDir, name);
    if (!path.startsWith(`${codeDir}/`)) throw new Error(`zip entry escapes the code folder: ${name}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data, { mode: modes.get(name) || 0o644 });
  }
  return codeDir;
}

/** Unix modes from the zip's central directory (external attributes, high 16 bits, for os 3 = Unix). */
function zipUnixModes(zip: Buffer): Map<string, number> {
  const modes = new Map<string, number>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) return modes;
  let offset = zip.readUInt32LE(end + 16);
  const count = zip.readUInt16LE(end + 10);
  for (let i = 0; i < count && zip.readUInt32LE(offset) === 0x02014b50; i++) {
    const madeByOs = zip.readUInt8(offset + 5);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const attributes = zip.readUInt32LE(offset + 38);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    if (madeByOs === 3) modes.set(name, (attributes >>> 16) & 0o777);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return modes;
}

/**
 * FC's custom runtimes run /code/bootstrap, which must start an HTTP server on FC_SERVER_PORT; each
 * invocation is then POSTed to /invoke with the role's credentials in x-fc-* headers, as for images.
 */
async function runCustomRuntime(input: InvocationInput, codeDir: string): Promise<InvocationOutcome> {
  const bootstrap = join(codeDir, "bootstrap");
  const mode = await stat(bootstrap).then(
    (info) => info.mode,
    () => undefined,
  );
  if (mode === undefined) return functionError("BootstrapNotFound", "the code package has no bootstrap file");
  if ((mode & 0o111) === 0)
    return functionError("BootstrapNotExecutable", "bootstrap: permission denied (chmod +x bootstrap)");
  return runContainer(input, { command: [bootstrap], cwd: codeDir });
}

async function runNodejs(
  input: InvocationInput,
  codeDir: string,
  workDir: string,
): Promise<InvocationOutcome> {
  const resultFile = join(workDir, "result.json");
  const context = {
    requestId: input.requestId,
    // FC's Node.js runtime: context.credentials carries the role's STS credentials (absent without a role).
    ...(input.credentials
      ? {
          credentials: {
            accessKeyId: input.credentials.accessKeyId,
            accessKeySecret: input.credentials.accessKeySecret,
            securityToken: input.credentials.securityToken,
          },
        }
      : {}),
    function: {
      name: input.functionName,
      handler: input.spec.handler,
      memory: input.spec.memorySize,
      timeout: input.spec.timeout,
    },
    region: input.region,
    accountId: input.accountId,
  };
  const child = spawn(process.execPath, [BOOTSTRAP, codeDir, String(input.spec.handler), resultFile], {
    env: functionEnv(input),
    stdio: ["pipe", "ignore", "ignore"],
  });
  child.stdin.end(JSON.stringify({ event: input.event.toString("base64"), context }));
  const exited = await exitOrTimeout(child, timeoutMs(input));
  if (!exited)
    return functionError("FunctionTimeout", `Function timed out after ${input.spec.timeout} seconds`);
  const result = JSON.parse(
    await readFile(resultFile, "utf8").catch(
      () => '{"ok":false,"errorType":"ProcessExited","errorMessage":"the runtime exited without a result"}',
    ),
  ) as {
    ok: boolean;
    body?: string;
    errorType?: string;
    errorMessage?: string;
  };
  if (!result.ok) return functionError(result.errorType ?? "Error", result.errorMessage ?? "");
  return { status: 200, body: Buffer.from(result.body ?? "", "base64") };
}

async function runContainer(input: InvocationInput, image: ContainerImage): Promise<InvocationOutcome> {
  const port = await freeLoopbackPort();
  const [command = "", ...args] = image.command;
  const child = spawn(command, args, {
    env: { ...functionEnv(input), FC_SERVER_PORT: String(port) },
    cwd: image.cwd,
    stdio: ["ignore", "ignore", "ignore"],
  });
  try {
    const url = `http://127.0.0.1:${port}/invoke`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/octet-stream",
            "x-fc-request-id": input.requestId,
            "x-fc-function-name": input.functionName,
            "x-fc-region": input.region,
            "x-fc-account-id": input.accountId,
            ...(input.credentials
              ? {
                  "x-fc-access-key-id": input.credentials.accessKeyId,
                  "x-fc-access-key-secret": input.credentials.accessKeySecret,
                  "x-fc-security-token": input.credentials.securityToken,
                }
              : {}),
          },
          body: new Uint8Array(input.event),
          signal: AbortSignal.timeout(timeoutMs(input)),
        });
        return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
      } catch (error) {
        // Connection refused while the server starts; give up once the start-up window is over.
        if (Date.now() > deadline || child.exitCode !== null) {
          return functionError(
            "CAPortUnreachable",
            `the container's HTTP server did not answer (${(error as Error).message})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    child.kill("SIGKILL");
  }
}

function functionError(errorType: string, errorMessage: string): InvocationOutcome {
  return {
    status: 200,
    errorType: "UnhandledInvocationError",
    body: Buffer.from(JSON.stringify({ errorMessage, errorType })),
  };
}

function exitOrTimeout(child: ReturnType<typeof spawn>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(false);
    }, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
