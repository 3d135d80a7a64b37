/** Calls to our backend over fetch, authenticated by the org's widget key (never a Zoho token). */
import type { FieldProblem } from '../../../server/src/contract/settings.js';

export interface Backend {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

export class BackendError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** A 400's problems, each with the field it is about. */
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export function createBackend(baseUrl: string, widgetKey: string, adminSession?: () => string | null): Backend {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const session = adminSession?.();
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${widgetKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(session ? { 'x-admin-session': session } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : null;
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      const problems = Array.isArray(error?.details) ? (error.details as FieldProblem[]).filter((problem) => typeof problem?.path === 'string' && typeof problem.message === 'string') : [];
      throw new BackendError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `The assistant's server answered ${response.status}.`, problems);
    }
    return json as T;
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body), put: (path, body) => call('PUT', path, body), delete: (path) => call('DELETE', path) };
}
