// Function Compute custom runtime or custom container: an HTTP server on FC_SERVER_PORT (default
// 9000). FC POSTs each invocation to /invoke with the function role's temporary credentials in the
// x-fc-access-key-id, x-fc-access-key-secret and x-fc-security-token headers.
import { createServer } from "node:http";
import { putObject } from "./oss-put.mjs";

const port = Number(process.env.FC_SERVER_PORT ?? 9000);

createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/invoke") {
    res.writeHead(404).end();
    return;
  }
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = JSON.parse(Buffer.concat(chunks).toString());
    const accessKeyId = req.headers["x-fc-access-key-id"];
    const credentials = accessKeyId
      ? {
          accessKeyId,
          accessKeySecret: req.headers["x-fc-access-key-secret"],
          securityToken: req.headers["x-fc-security-token"],
        }
      : undefined;
    const result = await putObject(request, credentials);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...result, credentials: credentials ? "role" : "none" }));
  } catch (error) {
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: String(error?.message ?? error) }));
  }
}).listen(port, "0.0.0.0");
