/** What can go wrong talking to Zoho, in our own terms. The engine decides what each means. */

export class ZohoError extends Error {}

/** Zoho answered with an error envelope (`code`, `message`, `details`). */
export class ZohoApiError extends ZohoError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${code}: ${message}`);
  }
}

/** 429: spend no attempt, come back after `retryAfterMs` (Zoho sends no Retry-After). */
export class ZohoRateLimitedError extends ZohoError {
  constructor(readonly retryAfterMs: number) {
    super(`Zoho rate limit reached; retry after ${retryAfterMs} ms`);
  }
}

/** The org's refresh token no longer works: re-authorization is needed; work pauses. */
export class ZohoAuthorizationError extends ZohoError {}

/** No answer in time, a dropped connection or a 5xx: safe to retry later. */
export class ZohoUnavailableError extends ZohoError {}

/** Zoho Accounts answered a token request with `{"error": code}`. */
export class ZohoOAuthError extends ZohoError {
  constructor(readonly code: string) {
    super(`Zoho Accounts refused the request: ${code}`);
  }
}

/** The request was refused before it reached Zoho (bad input to the SDK): retrying cannot help. */
export class ZohoRequestError extends ZohoError {}
