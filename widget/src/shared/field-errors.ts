import { BackendError } from './backend.js';

/** Messages by field (a dotted path such as `steps.1.after_days`), and what is left for the top of the form. */
export interface FormErrors {
  fields: Record<string, string>;
  /** A message no field owns (a conflict, a network failure), or null. */
  form: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

/**
 * The one mapping from a failed save to what the form shows: the server's validation problems go
 * next to their fields (the first message per field), the rest at the top of the form. `fieldOf`
 * names the form's field a problem's path belongs to (`off_days.2` → `off_days`), or null when the
 * form shows no such field, so a problem is never lost.
 */
export function formErrorsOf(error: unknown, fieldOf: (path: string) => string | null): FormErrors {
  if (!(error instanceof BackendError) || error.problems.length === 0) return { fields: {}, form: error instanceof Error ? error.message : String(error) };
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const problem of error.problems) {
    const field = fieldOf(problem.path);
    if (field !== null) fields[field] ??= problem.message;
    else rest.push(problem.message);
  }
  return { fields, form: rest.length > 0 ? rest.join(' ') : null };
}

/** Props for a field's message and its input's aria attributes, by path. */
export function fieldError(errors: FormErrors, path: string): { id: string; message: string | undefined } {
  return { id: `error-${path.replace(/\W/g, '-')}`, message: errors.fields[path] };
}
