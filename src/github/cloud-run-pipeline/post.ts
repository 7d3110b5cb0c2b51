import { logOutLeftLogin } from "../registry-login-post.ts";
import { runPost } from "../run.ts";
import { loginState } from "./state.ts";

await runPost(logOutLeftLogin("cloud-run-pipeline", loginState.load));
