import type { RegistryCleanup } from "../../docker/registry-login.ts";
import { postState } from "../state.ts";

/** The registry login the deploy stage made for its push: what the post step undoes if main could not. */
export const loginState = postState<RegistryCleanup>("registry-login");
