// The one assertion every OCI test needs: a call fails with an OciError carrying OCI's status,
// service code and (optionally) a message naming the problem, plus the opc-request-id OCI always
// returns, exactly as a step would see it through the real SDK.
import assert from "node:assert/strict";
import * as common from "oci-common";

export async function rejectsWithOciError(
  promise: Promise<unknown>,
  status: number,
  code: string,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof common.OciError, `expected OciError, got ${String(error)}`);
    assert.equal(error.statusCode, status);
    assert.equal(error.serviceCode, code);
    assert.ok(error.opcRequestId, "opc-request-id header is present");
    if (message) assert.match(error.message, message);
    return true;
  });
}
