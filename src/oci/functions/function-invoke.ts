import type { FunctionsInvokeClient } from "oci-functions";
import { describeError, UserError } from "../../errors.ts";
import { explainApiFailure, isOciError } from "../oci-api-failure.ts";

/**
 * One test call of a deployed function; returns the response body as text. The common first-deploy
 * failure, a 502 "Failed to pull function image", is a network problem rather than an image
 * problem, so it is explained as one.
 */
export async function invokeOnce(
  client: FunctionsInvokeClient,
  functionId: string,
  body: string,
  names: { fn: string; image: string },
): Promise<string> {
  try {
    const response = await client.invokeFunction({ functionId, invokeFunctionBody: body });
    return await new Response(response.value as ConstructorParameters<typeof Response>[0]).text();
  } catch (error) {
    if (
      isOciError(error) &&
      error.statusCode === 502 &&
      /failed to pull function image/i.test(error.message)
    ) {
      throw new UserError(
        `invoke: function ${names.fn} could not start: OCI said "${describeError(error.message)}" (502 ${error.serviceCode}). Unless ${names.image} was deleted from OCIR, the application's subnet cannot reach OCIR: a private subnet needs a service gateway (All <region> Services in Oracle Services Network) or a NAT gateway route; also check the policy letting the functions service read the repository.`,
      );
    }
    throw explainApiFailure(
      error,
      `invoke: function ${names.fn}`,
      "The function was deleted, or the user's group may not use fn-invocation.",
    );
  }
}
