// Function Compute (built-in Node.js runtime): writes the test payload's message to OSS with the
// function role's temporary credentials, which FC hands over in context.credentials. Test payload,
// as in Alibaba's "function role" guide:
//   {"endpoint": "https://oss-cn-hangzhou.aliyuncs.com", "bucket": "my-bucket", "objectName": "myObj", "message": "hello"}
import { putObject } from "./oss-put.mjs";

export const handler = async (event, context) => {
  const request = JSON.parse(event.toString());
  const result = await putObject(request, context.credentials);
  // Says what happened, never the credentials themselves.
  return JSON.stringify({ ...result, credentials: context.credentials?.accessKeyId ? "role" : "none" });
};
