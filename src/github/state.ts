import * as core from "@actions/core";

/**
 * A typed value that crosses from an action's main step to its post step as JSON in the runner's state
 * (STATE_<key>). Only paths, names and modes go there, never a secret.
 */
export interface PostState<T> {
  save(value: T): void;
  load(): T | undefined;
}

export function postState<T>(key: string): PostState<T> {
  return {
    save: (value) => core.saveState(key, JSON.stringify(value)),
    load: () => {
      const raw = core.getState(key);
      return raw ? (JSON.parse(raw) as T) : undefined;
    },
  };
}
