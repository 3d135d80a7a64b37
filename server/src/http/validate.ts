import type { Context } from 'hono';
import { z } from 'zod';
import { appErrors } from './errors.js';

/** Parses a JSON body with a schema; anything else is 400 VALIDATION_FAILED naming the fields. */
export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw appErrors.validation('The body must be JSON.');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw appErrors.validation(
      z.prettifyError(parsed.error),
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return parsed.data;
}
