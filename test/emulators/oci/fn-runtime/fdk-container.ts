// One warm "container" for a function: the function's own process speaking the Fn FDK contract,
// exactly what the Fn agent expects of a hot http-stream container. The agent sets FN_FORMAT and
// FN_LISTENER=unix:<dir>/fn.sock; the FDK listens on a sibling socket and then symlinks fn.sock
// to it (relative, inside the same directory), so the agent never connects to a half-ready
// socket. Calls are HTTP/1.1 `POST /call` over that socket with Fn-Call-Id and Fn-Deadline.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readlink, rm, stat } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { entrypointOf } from "./entrypoint.ts";

export interface FdkResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface FdkCall {
  body: Buffer;
  /** Sent to the function as is (Content-Type, Fn-Intent, ...). */
  headers: Record<string, string>;
  deadline: Date;
}

/** The function process did not come up with a valid socket (Fn's ErrContainerInitFail). */
export class ContainerInitError extends Error {}
/** The call outlived its deadline (Fn's ErrCallTimeout); the container is killed. */
export class CallTimeoutError extends Error {}

const SOCKET_NAME = "fn.sock";
const LOG_LIMIT = 64 * 1024;
const POLL_MS = 20;

export class FdkContainer {
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #exited: Promise<void>;
  #running = true;
  #log = "";

  private constructor(child: ChildProcess, dir: string) {
    this.#child = child;
    this.#dir = dir;
    const append = (chunk: Buffer) => {
      this.#log = `${this.#log}${chunk.toString("utf8")}`.slice(-LOG_LIMIT);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    this.#exited = new Promise((resolve) => {
      child.once("exit", () => {
        this.#running = false;
        resolve();
      });
      child.once("error", (error) => {
        append(Buffer.from(`\n${error.message}\n`));
        this.#running = false;
        resolve();
      });
    });
  }

  /** Starts the function in `codeDir` with `env` (config and FN_* variables) and waits for its socket. */
  static async start(
    codeDir: string,
    env: Record<string, string>,
    initTimeoutMs: number,
  ): Promise<FdkContainer> {
    const dir = await mkdtemp(join(tmpdir(), "fngate-fn-"));
    const { command, args } = entrypointOf(codeDir);
    const child = spawn(command, args, {
      cwd: codeDir,
      // A container sees only what the platform gives it: never the test process's environment.
      env: { ...env, HOME: dir, FN_FORMAT: "http-stream", FN_LISTENER: `unix:${join(dir, SOCKET_NAME)}` },
      // stdin stays open for exit-with-parent.cjs: it closes only when this process is gone.
      stdio: ["pipe", "pipe", "pipe"],
    });
    const container = new FdkContainer(child, dir);
    try {
      await container.#waitForSocket(initTimeoutMs);
    } catch (error) {
      await container.stop();
      throw error;
    }
    return container;
  }

  get running(): boolean {
    return this.#running;
  }

  /** What the function printed (stdout and stderr), the last 64 KB. */
  get logs(): string {
    return this.#log;
  }

  call(call: FdkCall): Promise<FdkResponse> {
    return new Promise((resolve, reject) => {
      const remaining = Math.max(0, call.deadline.getTime() - Date.now());
      const req = request(
        {
          socketPath: join(this.#dir, SOCKET_NAME),
          method: "POST",
          path: "/call",
          agent: false,
          headers: {
            ...call.headers,
            "Fn-Call-Id": randomBytes(13).toString("hex").toUpperCase(),
            "Fn-Deadline": call.deadline.toISOString(),
            "Content-Length": String(call.body.length),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            clearTimeout(timer);
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
            }
            resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new CallTimeoutError("Timed out"));
        // Fn kills a container whose call timed out; the next invoke starts a fresh one.
        void this.stop();
      }, remaining);
      req.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(call.body);
    });
  }

  async stop(): Promise<void> {
    if (this.#running) {
      this.#child.kill("SIGTERM");
      const timer = setTimeout(() => this.#child.kill("SIGKILL"), 2000);
      await this.#exited;
      clearTimeout(timer);
    }
    await rm(this.#dir, { recursive: true, force: true });
  }

  async #waitForSocket(timeoutMs: number): Promise<void> {
    const link = join(this.#dir, SOCKET_NAME);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.#running) throw new ContainerInitError(`function exited before listening:\n${this.#log}`);
      const target = await readlink(link).catch(() => undefined);
      if (target !== undefined) {
        // The agent only accepts a relative link to a socket in the same directory.
        if (target.includes("/"))
          throw new ContainerInitError(`${SOCKET_NAME} links outside its directory: ${target}`);
        const info = await stat(join(this.#dir, target)).catch(() => undefined);
        if (!info?.isSocket()) throw new ContainerInitError(`${SOCKET_NAME} -> ${target} is not a socket`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new ContainerInitError(
      `function did not create ${SOCKET_NAME} within ${timeoutMs} ms:\n${this.#log}`,
    );
  }
}
