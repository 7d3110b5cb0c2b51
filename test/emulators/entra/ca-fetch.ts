// A minimal fetch over node:https that trusts a given CA. Entra fetches a federated issuer's
// discovery document and JWKS itself; the emulator does the same over real TLS, but must not depend
// on the hosting process having trusted the test CA globally (`npm run emulators` does not).
import { request } from "node:https";

const MAX_BYTES = 1024 * 1024;

export function caFetch(caPem: string): (url: string, init?: { signal?: AbortSignal }) => Promise<Response> {
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== "https:") {
        reject(new Error(`refusing non-https URL ${url}`));
        return;
      }
      const req = request(
        target,
        { method: "GET", ca: caPem, headers: { accept: "application/json" }, signal: init?.signal },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BYTES) req.destroy(new Error(`response from ${url} is too large`));
            else chunks.push(chunk);
          });
          res.on("end", () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (typeof value === "string") headers.set(name, value);
            }
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers }));
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    });
}
