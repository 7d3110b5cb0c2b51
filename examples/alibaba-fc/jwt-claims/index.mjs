// A Function Compute function (built-in Node.js runtime) behind an HTTP trigger with JWT authentication.
// Function Compute checks the token's signature against the trigger's JWKS and its expiry, nothing else;
// with Entra's keys that admits every tenant's tokens for every app. So the trigger forwards the claims
// (fngate's default ClaimPassBy: header:aud:x-jwt-aud,header:iss:x-jwt-iss,header:tid:x-jwt-tid) and the
// function refuses any token not issued for this API (aud) by this tenant (tid). Deploy it with
// function-checks-claims: true and env EXPECTED_AUDIENCE (comma-separated: the API's client ID and/or
// Application ID URI) and EXPECTED_TENANT_ID. Unset, it refuses every call: it fails closed.
const audiences = (process.env.EXPECTED_AUDIENCE ?? "")
  .split(",")
  .map((value) => value.trim())
  .filter(Boolean);
const tenant = (process.env.EXPECTED_TENANT_ID ?? "").trim().toLowerCase();

export const handler = async (event) => {
  const request = JSON.parse(Buffer.isBuffer(event) ? event.toString("utf8") : String(event));
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  const audience = headers["x-jwt-aud"] ?? "";
  const tokenTenant = (headers["x-jwt-tid"] ?? "").toLowerCase();
  if (audiences.length === 0 || tenant === "" || !audiences.includes(audience) || tokenTenant !== tenant)
    return {
      statusCode: 401,
      headers: { "content-type": "text/plain", "www-authenticate": 'Bearer error="invalid_token"' },
      body: "this token was not issued for this API by this tenant",
    };
  return { statusCode: 200, headers: { "content-type": "text/plain" }, body: "Hello from FC" };
};
