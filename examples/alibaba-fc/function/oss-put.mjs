// PUT an object to OSS with a role's temporary STS credentials, signed with OSS's V1 header
// signature (no SDK, so the function package stays a few kilobytes). Without credentials the
// request goes unsigned, and OSS refuses it: that is the "no role, no access" case.
import { createHmac } from "node:crypto";

export async function putObject({ endpoint, bucket, objectName, message }, credentials) {
  const base = new URL(endpoint);
  // OSS is addressed as <bucket>.<endpoint host>; a bare IP or localhost (a private or test
  // endpoint) takes the bucket in the path instead.
  const pathStyle = /^(\d+\.){3}\d+$|^localhost$|^\[/.test(base.hostname);
  const key = objectName.split("/").map(encodeURIComponent).join("/");
  const url = pathStyle
    ? new URL(`/${bucket}/${key}`, base)
    : new URL(`/${key}`, `${base.protocol}//${bucket}.${base.host}`);
  const headers = { "content-type": "text/plain", date: new Date().toUTCString() };
  if (credentials?.accessKeyId) {
    headers["x-oss-security-token"] = credentials.securityToken;
    const toSign = `PUT\n\n${headers["content-type"]}\n${headers.date}\nx-oss-security-token:${credentials.securityToken}\n/${bucket}/${objectName}`;
    const signature = createHmac("sha1", credentials.accessKeySecret).update(toSign).digest("base64");
    headers.authorization = `OSS ${credentials.accessKeyId}:${signature}`;
  }
  const response = await fetch(url, { method: "PUT", headers, body: message });
  const text = await response.text();
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  return { status: response.status, ...(code ? { code } : {}), object: `${bucket}/${objectName}` };
}
