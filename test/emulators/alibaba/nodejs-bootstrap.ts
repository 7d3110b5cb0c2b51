// The emulator's stand-in for FC's built-in Node.js runtime: loads <code dir>/<file>.{mjs,js,cjs}
// from the handler "<file>.<export>", calls it with the event (a Buffer) and a context carrying the
// function role's temporary credentials as FC does (context.credentials), and writes the outcome as
// JSON to the result file, away from the function's own stdout.
// argv: <code dir> <handler> <result file>; stdin: {"event": base64, "context": {...}}.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [codeDir = "", handler = "", resultFile = ""] = process.argv.slice(2);

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
    event: string;
    context: Record<string, unknown>;
  };
  const dot = handler.lastIndexOf(".");
  const file = handler.slice(0, dot);
  const exported = handler.slice(dot + 1);
  const path = [".mjs", ".js", ".cjs"]
    .map((ext) => join(codeDir, `${file}${ext}`))
    .find((candidate) => existsSync(candidate));
  if (!path)
    throw Object.assign(new Error(`Cannot find module '${file}' in the code package`), {
      name: "ImportModuleError",
    });
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const fn = module[exported] ?? (module.default as Record<string, unknown> | undefined)?.[exported];
  if (typeof fn !== "function")
    throw Object.assign(new Error(`${handler} is undefined or not exported`), { name: "HandlerNotFound" });
  const value: unknown = await fn(Buffer.from(input.event, "base64"), input.context);
  const body = Buffer.isBuffer(value)
    ? value
    : Buffer.from(typeof value === "string" ? value : JSON.stringify(value ?? null));
  await writeFile(resultFile, JSON.stringify({ ok: true, body: body.toString("base64") }));
}

main().catch(async (error: unknown) => {
  const err = error instanceof Error ? error : new Error(String(error));
  await writeFile(resultFile, JSON.stringify({ ok: false, errorType: err.name, errorMessage: err.message }));
});
