// A small OSS-like object PUT: PUT /<bucket>/<object> signed with OSS's V1 header signature
// (Authorization: OSS <AccessKeyId>:<base64 HMAC-SHA1>) and x-oss-security-token. Only STS
// credentials are accepted (the point is proving a function got its role's temporary credentials):
// valid, unexpired, with the matching token, and of a role the bucket allows. Errors are OSS's XML.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { AlibabaState } from "./state.ts";

export interface OssAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export function ossPut(
  state: AlibabaState,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  now: Date,
): OssAnswer {
  const match = /^\/([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\/(.+)$/.exec(path);
  if (!match?.[1] || !match[2]) return ossError(400, "InvalidObjectName", "The object name is not valid.");
  const bucketName = match[1];
  const objectName = decodeURIComponent(match[2]);
  const bucket = state.buckets.get(bucketName);
  if (!bucket) return ossError(404, "NoSuchBucket", "The specified bucket does not exist.");
  const authorization = headers.authorization;
  if (!authorization)
    return ossError(403, "AccessDenied", "You have no right to access this object because of bucket acl.");
  const auth = /^OSS ([^:]+):(.+)$/.exec(authorization);
  if (!auth?.[1] || !auth[2]) return ossError(400, "InvalidArgument", "Authorization header is invalid.");
  const credential = state.stsCredentials.get(auth[1]);
  if (!credential)
    return ossError(
      403,
      "InvalidAccessKeyId",
      "The OSS Access Key Id you provided does not exist in our records.",
    );
  const token = headers["x-oss-security-token"];
  if (token !== credential.securityToken)
    return ossError(403, "InvalidSecurityToken", "The security token you provided is invalid.");
  if (credential.expiration.getTime() <= now.getTime())
    return ossError(403, "SecurityTokenExpired", "The security token you provided has expired.");
  const date = Date.parse(String(headers.date ?? ""));
  if (!Number.isFinite(date) || Math.abs(date - now.getTime()) > 15 * 60_000)
    return ossError(
      403,
      "RequestTimeTooSkewed",
      "The difference between the request time and the current time is too large.",
    );

  const ossHeaders = Object.keys(headers)
    .filter((name) => name.startsWith("x-oss-"))
    .sort()
    .map((name) => `${name}:${String(headers[name]).trim()}\n`)
    .join("");
  const stringToSign = `PUT\n${headers["content-md5"] ?? ""}\n${headers["content-type"] ?? ""}\n${headers.date}\n${ossHeaders}/${bucketName}/${objectName}`;
  const expected = createHmac("sha1", credential.accessKeySecret).update(stringToSign).digest();
  const presented = Buffer.from(auth[2], "base64");
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    return ossError(
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided.",
    );
  if (!bucket.allowedRoles.includes(credential.roleArn))
    return ossError(
      403,
      "AccessDenied",
      `The bucket you access does not belong to you, or ${credential.roleArn} may not PutObject on it.`,
    );
  bucket.objects.set(objectName, body);
  return {
    status: 200,
    body: "",
    headers: { etag: `"${createHmac("md5", "").update(body).digest("hex").toUpperCase()}"` },
  };
}

function ossError(status: number, code: string, message: string): OssAnswer {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>${code}</Code>\n  <Message>${message}</Message>\n</Error>\n`;
  return { status, body, headers: { "content-type": "application/xml" } };
}
