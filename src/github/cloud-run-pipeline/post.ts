import { closeDeploymentLeftOpen } from "../deployments/left-open.ts";
import { logOutLeftLogin } from "../registry-login-post.ts";
import { type PostRun, runPost } from "../run.ts";
import { loginState } from "./state.ts";

/** Ends a GitHub deployment main left open, then logs docker out if the deploy was stopped mid-push. */
const logOut = logOutLeftLogin("cloud-run-pipeline", loginState.load);
await runPost(async (run: PostRun) => {
  await closeDeploymentLeftOpen();
  await logOut(run);
});
