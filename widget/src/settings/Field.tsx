import type { ComponentChildren } from 'preact';

export interface FieldAria {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/** A labelled form field with its message right below it, tied to the input for screen readers. */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error: string | undefined; children: (aria: FieldAria) => ComponentChildren }) {
  const messageId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? messageId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {hint && (
        <span class="muted hint" id={hintId}>
          {hint}
        </span>
      )}
      {error && (
        <span class="field-error" id={messageId} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
