import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Zoho's four-key error body: `{code, details, message, status: "error"}`. */
export interface ZohoErrorBody {
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: 'error';
}

/** An error the sandbox answers in Zoho's envelope, with Zoho's HTTP status for it. */
export class ZohoError extends Error {
  constructor(
    readonly httpStatus: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toBody(): ZohoErrorBody {
    return { code: this.code, details: this.details, message: this.message, status: 'error' };
  }
}

export const zohoErrors = {
  invalidToken: () => new ZohoError(401, 'INVALID_TOKEN', 'invalid oauth token'),
  authenticationFailure: () => new ZohoError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed'),
  scopeMismatch: (scope: string) =>
    new ZohoError(401, 'OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL', { required_scope: scope }),
  invalidUrl: () =>
    new ZohoError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'),
  invalidModule: (module: string) =>
    new ZohoError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { module }),
  requiredParam: (param: string) =>
    new ZohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: param }),
  invalidId: (id: string) =>
    new ZohoError(400, 'INVALID_DATA', 'the id given seems to be invalid', { id }),
  invalidData: (message: string, details: Record<string, unknown> = {}) =>
    new ZohoError(400, 'INVALID_DATA', message, details),
  invalidBody: () => new ZohoError(400, 'INVALID_DATA', 'the request body is not valid JSON', {}),
  limitExceeded: (limit: number, param: string) =>
    new ZohoError(400, 'LIMIT_EXCEEDED', `the number of ${param} exceeds the limit`, { limit, param }),
  tooManyRequests: () =>
    new ZohoError(429, 'TOO_MANY_REQUESTS', 'too many requests. please try again after some time'),
  noPermission: () => new ZohoError(403, 'NO_PERMISSION', 'permission denied'),
  notSupported: (message = 'the operation is not supported') => new ZohoError(403, 'NOT_SUPPORTED', message),
  internal: () => new ZohoError(500, 'INTERNAL_ERROR', 'Internal Server Error'),
};
