import { useEffect, useState } from 'preact/hooks';
import type { DraftView } from '../../../server/src/contract/record-widget.js';
import type { Backend } from './backend.js';
import { type FormErrors, NO_ERRORS, formErrorsOf } from './field-errors.js';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * One email waiting for approval, as the record widget and the settings tab's Drafts list show it:
 * the subject and text to read and edit, then Approve and send (what is in the boxes is what goes)
 * or Skip this email (never sent; the sequence goes on). `done` gets what to tell the person.
 */
export function DraftEditor({
  draft,
  backend,
  done,
  label,
  who,
}: {
  draft: DraftView;
  backend: Backend;
  done: (message: string) => void | Promise<void>;
  label?: string;
  /** The user's name as the host knows it, for the Zoho note (a signed-in admin's address wins on the server). */
  who?: () => Promise<string | undefined>;
}) {
  const [subject, setSubject] = useState(draft.subject);
  const [text, setText] = useState(draft.text);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  // Another draft (the next email, or another lead's): start from what it says.
  useEffect(() => {
    setSubject(draft.subject);
    setText(draft.text);
    setErrors(NO_ERRORS);
  }, [draft.id]);

  const id = (name: string) => `draft-${draft.id}-${name}`;
  const decide = async (action: 'approve' | 'skip') => {
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const by = await who?.().catch(() => undefined);
      const named = by ? { by } : {};
      if (action === 'approve') {
        const answer = await backend.post<{ sendAt: string | null }>(`/drafts/${draft.id}/approve`, { subject, text, ...named });
        const at = answer.sendAt && Date.parse(answer.sendAt) > Date.now() + 60_000 ? ` It goes out ${when(answer.sendAt)}, in the lead's sending hours.` : ' It goes out now.';
        await done(`Email ${draft.step} approved${subject !== draft.subject || text !== draft.text ? ' with your edits' : ''}.${at}`);
      } else {
        await backend.post(`/drafts/${draft.id}/skip`, named);
        await done(`Email ${draft.step} skipped: it will not be sent.`);
      }
    } catch (error) {
      setErrors(formErrorsOf(error, (path) => (path === 'subject' || path === 'text' ? path : null)));
    } finally {
      setBusy(false);
    }
  };

  const edited = subject !== draft.subject || text !== draft.text;
  return (
    <section aria-label={label ?? 'Draft for approval'} class="draft">
      <h2>{label ?? 'Draft for approval'}</h2>
      <p class="muted">
        Email {draft.step} of {draft.of} to {draft.to}. Nothing is sent until you approve it; unapproved, the record goes back to its owner on {when(draft.expiresAt)}.
      </p>
      <div class={`field${errors.fields.subject ? ' invalid' : ''}`}>
        <label for={id('subject')}>Subject</label>
        <input id={id('subject')} value={subject} aria-invalid={errors.fields.subject ? true : undefined} aria-describedby={errors.fields.subject ? id('subject-error') : undefined} onInput={(event) => setSubject(event.currentTarget.value)} />
        {errors.fields.subject && (
          <span id={id('subject-error')} class="field-error" role="alert">
            {errors.fields.subject}
          </span>
        )}
      </div>
      <div class={`field${errors.fields.text ? ' invalid' : ''}`}>
        <label for={id('text')}>Email</label>
        <textarea id={id('text')} rows={12} value={text} aria-invalid={errors.fields.text ? true : undefined} aria-describedby={errors.fields.text ? id('text-error') : undefined} onInput={(event) => setText(event.currentTarget.value)} />
        {errors.fields.text && (
          <span id={id('text-error')} class="field-error" role="alert">
            {errors.fields.text}
          </span>
        )}
      </div>
      {errors.form && (
        <p role="alert" class="notice error">
          {errors.form}
        </p>
      )}
      <div class="row" role="group" aria-label="Decide on the draft">
        <button type="button" class="primary" disabled={busy} onClick={() => void decide('approve')}>
          {edited ? 'Approve edited email' : 'Approve and send'}
        </button>
        <button type="button" disabled={busy} onClick={() => void decide('skip')}>
          Skip this email
        </button>
        {edited && (
          <button
            type="button"
            class="link"
            disabled={busy}
            onClick={() => {
              setSubject(draft.subject);
              setText(draft.text);
            }}
          >
            Undo my edits
          </button>
        )}
      </div>
    </section>
  );
}
