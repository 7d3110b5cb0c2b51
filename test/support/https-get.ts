// A request to a deployed URL as its caller makes it, trusting the emulators' CA: the status and the body.
import { request } from "node:https";

export interface HttpsAnswer {
  status: number;
  body: string;
}

export function httpsGet(
  url: string,
  ca: string | Buffer,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** `headers` with a bearer token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
