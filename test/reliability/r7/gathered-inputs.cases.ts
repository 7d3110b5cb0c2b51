// R7 gathered inputs: several hostile inputs in one run, a secret among them. Every problem is named in
// the one error line (issue 17), the secret never is, whether its own value is refused or another's.
import { runAction } from "../../runner/index.ts";
import { actionOutcome, cliOutcome, type HostileArea } from "./hostile-case.ts";

const PID = process.pid;
const TOKEN = `r7-gathered-token-${PID}`;
const EXPIRED = `r7-gathered-not-a-jwt-${PID}`;
const CLIENT_SECRET = `r7-gathered-client-secret-${PID}`;
const URL_PASSWORD = `r7-gathered-url-password-${PID}`;

export const area: HostileArea = {
  name: "gathered inputs",
  cases: [
    {
      name: "smoke-test action: a secret that is no JWT, an unknown method, a wait out of range, no url",
      run: async () =>
        actionOutcome(
          await runAction("smoke-test", {
            inputs: { token: TOKEN, "expired-token": EXPIRED, method: "FETCH; rm -rf /", wait: "1e9" },
          }),
          {
            message:
              /^4 inputs need fixing: \(1\) method "FETCH; RM -RF \/" must be one of .* \(2\) wait must be a number of seconds .* \(3\) expired-token is not a JWT: .* \(4\) url is required: set the input\.$/,
          },
          [TOKEN, EXPIRED],
        ),
    },
    {
      name: "CLI entra-token: a secret with a second line, a URL with a password, an escape in the scope",
      run: () =>
        cliOutcome(
          [
            "entra-token",
            "--tenant-id",
            "3f1c4c5e-8d2a-4b7e-9a61-0c2d4e6f8a10",
            "--client-id",
            "a1b2c3",
            "--authority-host",
            `https://ci:${URL_PASSWORD}@login.example.com`,
            "--scope",
            "api://x/.default\u001b[2J",
          ],
          { FNGATE_CLIENT_SECRET: `${CLIENT_SECRET}\nsecond line` },
          {
            message:
              /^3 inputs need fixing: \(1\) --authority-host must not carry a user name or password .* \(2\) --scope contains an escape character .* \(3\) FNGATE_CLIENT_SECRET contains a line feed \(U\+000A\) at character \d+: .*$/,
          },
          [CLIENT_SECRET, URL_PASSWORD],
        ),
    },
  ],
};
