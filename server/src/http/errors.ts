import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error type routes throw; `onError` turns it into `{error: {code, message, requestId}}`. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const appErrors = {
  unauthorized: (message = 'A valid key is required: send Authorization: Bearer <widget key>.') => new AppError(401, 'UNAUTHORIZED', message),
  forbidden: (message: string) => new AppError(403, 'FORBIDDEN', message),
  notFound: (what: string) => new AppError(404, 'NOT_FOUND', `${what} was not found.`),
  validation: (message: string, details?: unknown) => new AppError(400, 'VALIDATION_FAILED', message, details),
  conflict: (message: string) => new AppError(409, 'CONFLICT', message),
  orgNotAuthorized: (status: string) =>
    new AppError(409, 'ORG_NOT_AUTHORIZED', `Zoho access for this org is ${status.replace('_', ' ')}; an admin must authorize again from the settings tab.`),
  zohoUnavailable: (message: string) => new AppError(503, 'ZOHO_UNAVAILABLE', message),
  zohoRateLimited: () => new AppError(503, 'ZOHO_RATE_LIMITED', 'Zoho is limiting API calls for this org; try again in a minute.'),
};

export interface ErrorEnvelope {
  error: { code: string; message: string; requestId: string; details?: unknown };
}
