import type { RegistryCleanup } from "../../docker/registry-login.ts";
import { postState } from "../state.ts";

/** The registry login cloud-run-deploy made for its push: what its post step undoes if main could not. */
export const loginState = postState<RegistryCleanup>("registry-login");
