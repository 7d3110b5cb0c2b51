/**
 * How every OCI wait (a function becoming ACTIVE or DELETED, a work request) polls. The 10% overshoot
 * bound keeps the pipeline's wall time within ~10% of the cloud's own (bench P1).
 */
export const OCI_WAIT_BACKOFF = { initialDelayMs: 200, maxDelayMs: 5000, maxOvershootShare: 0.1 } as const;
