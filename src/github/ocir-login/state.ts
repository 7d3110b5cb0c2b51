import type { OcirCleanup } from "../../steps/ocir-login.ts";
import { postState } from "../state.ts";

/** What ocir-login's post step needs: the registry to log out of and the config.json backup. */
export const cleanupState = postState<OcirCleanup>("cleanup");
