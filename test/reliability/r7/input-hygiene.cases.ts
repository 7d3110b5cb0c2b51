// A first hostile case, and the pattern for the rest: smoke-test given a URL that carries a password.
import { runAction } from "../../runner/index.ts";
import { actionOutcome, type HostileArea } from "./hostile-case.ts";

const PASSWORD = `r7-url-password-${process.pid}`;

export const area: HostileArea = {
  name: "smoke-test url",
  cases: [
    {
      name: "smoke-test: url with a user and password",
      async run() {
        const run = await runAction("smoke-test", {
          inputs: { url: `https://ci:${PASSWORD}@127.0.0.1:9/hello`, token: "x.y.z" },
        });
        return actionOutcome(run, { message: /url/ }, [PASSWORD]);
      },
    },
  ],
};
