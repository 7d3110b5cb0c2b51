/** An OAuth 2.0 error answer (RFC 6749 §5.2): `{"error", "error_description"}`, as far as the body has them. */
export interface OAuthErrorBody {
  error?: string;
  description?: string;
}

export function parseOAuthError(text: string): OAuthErrorBody {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== "object" || body === null) return {};
    const { error, error_description: description } = body as Record<string, unknown>;
    return {
      ...(typeof error === "string" ? { error } : {}),
      ...(typeof description === "string"
        ? { description: description.replace(/\s+/g, " ").slice(0, 300) }
        : {}),
    };
  } catch {
    return {};
  }
}

/** `invalid_grant: The subject token has expired.`, or the status when the body says nothing useful. */
export function describeOAuthError(status: number, body: OAuthErrorBody): string {
  if (body.error && body.description) return `${body.error}: ${body.description}`;
  return body.error ?? body.description ?? `HTTP ${status}`;
}
