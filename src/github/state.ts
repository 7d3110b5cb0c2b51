import * as core from "@actions/core";

/**
 * A typed value that crosses from an action's main step to its post step as JSON in the runner's state
 * (STATE_<key>). Only paths, names and modes go there, never a secret.
 */
export interface PostState<T> {
  save(value: T): void;
  /** Nothing left for the post step: the runner keeps the last value saved under a key. */
  clear(): void;
  load(): T | undefined;
}

/**
 * The saved value, or undefined with a warning when it cannot be read: one unreadable record must not
 * keep a post step from undoing the others.
 */
export function loadOrWarn<T>(
  state: PostState<T>,
  what: string,
  warn: (message: string) => void,
): T | undefined {
  try {
    return state.load();
  } catch (error) {
    warn(
      `cleanup failed: reading what ${what} recorded: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}

export function postState<T>(key: string): PostState<T> {
  return {
    save: (value) => core.saveState(key, JSON.stringify(value)),
    clear: () => core.saveState(key, ""),
    load: () => {
      const raw = core.getState(key);
      return raw ? (JSON.parse(raw) as T) : undefined;
    },
  };
}
