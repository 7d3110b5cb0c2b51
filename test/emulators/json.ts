/** A JSON object as the emulators read and answer it: a request body, a resource model. */
export type Json = Record<string, unknown>;
