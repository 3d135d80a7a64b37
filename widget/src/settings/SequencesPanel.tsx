import { useState } from 'preact/hooks';
import type { PreviewAnswer, SequenceView, StepInput } from '../../../server/src/contract/settings.js';
import { type FormErrors, NO_ERRORS, formErrorsOf } from '../shared/field-errors.js';
import { Field } from './Field.js';
import { messageOf, useSettings } from './store.js';

interface StepDraft {
  after_days: string;
  mode: StepInput['mode'];
  subject: string;
  body: string;
}

interface Draft {
  name: string;
  is_default: boolean;
  steps: StepDraft[];
}

const newStep = (days: string): StepDraft => ({ after_days: days, mode: 'generated', subject: '', body: '' });
const emptyDraft = (): Draft => ({ name: '', is_default: false, steps: [newStep('0'), newStep('3'), newStep('5'), newStep('7')] });
const draftOf = (sequence: SequenceView): Draft => ({
  name: sequence.name,
  is_default: sequence.is_default,
  steps: sequence.steps.map((step) => ({ after_days: String(step.after_days), mode: step.mode, subject: step.subject ?? '', body: step.body ?? '' })),
});

/** A step as the API takes it; days are sent as typed (null when not a number) so the server's message is the one shown. */
function stepOf(step: StepDraft): Record<keyof StepInput, unknown> {
  const days = step.after_days.trim();
  const custom = step.mode === 'custom';
  return {
    after_days: days === '' || !Number.isFinite(Number(days)) ? null : Number(days),
    mode: step.mode,
    subject: custom && step.subject.trim() ? step.subject : null,
    body: custom && step.body.trim() ? step.body : null,
  };
}

/** The form's field for a path of the server's answer: name, steps, or steps.N.after_days / subject / body. */
function fieldOf(path: string): string | null {
  if (path === 'name' || path === 'steps') return path;
  const match = /^steps\.(\d+)(?:\.(after_days|subject|body|mode))?/.exec(path);
  if (!match) return null;
  return `steps.${match[1]}.${match[2] ?? 'after_days'}`;
}

const totalDays = (sequence: SequenceView) => sequence.steps.reduce((days, step) => days + step.after_days, 0);

/** Sequences: the list, and a form to create or edit one, step by step, with a preview of each email. */
export function SequencesPanel() {
  const { backend, busy, connected, sequences, assistants, asAdmin, reload } = useSettings();
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [previews, setPreviews] = useState<Record<number, PreviewAnswer | string>>({});
  const editingSequence = sequences.find((sequence) => sequence.id === editing);

  const startEdit = (sequence: SequenceView | null) => {
    setEditing(sequence?.id ?? null);
    setDraft(sequence ? draftOf(sequence) : emptyDraft());
    setErrors(NO_ERRORS);
    setPreviews({});
  };
  const changeStep = (index: number, patch: Partial<StepDraft>) =>
    setDraft((current) => ({ ...current, steps: current.steps.map((step, at) => (at === index ? { ...step, ...patch } : step)) }));

  const save = () =>
    asAdmin(
      async () => {
        setErrors(NO_ERRORS);
        const body = { name: draft.name, steps: draft.steps.map(stepOf), ...(editing && !draft.is_default ? {} : { is_default: draft.is_default }) };
        if (editing) await backend.put(`/sequences/${editing}`, body);
        else await backend.post('/sequences', body);
        await reload();
        startEdit(null);
        return editing ? `Sequence ${draft.name.trim()} saved.` : `Sequence ${draft.name.trim()} created: it can be chosen in the record widget now.`;
      },
      (error) => {
        // Said in the form, beside what was typed: a summary at its top, each problem under its field.
        const found = formErrorsOf(error, fieldOf);
        setErrors({ ...found, form: found.form ?? (Object.keys(found.fields).length > 0 ? 'Not saved: see the fields marked below.' : null) });
        return null;
      },
    );

  const remove = (sequence: SequenceView) =>
    asAdmin(async () => {
      await backend.delete(`/sequences/${sequence.id}`);
      if (editing === sequence.id) startEdit(null);
      await reload();
      return `Sequence ${sequence.name} deleted.`;
    });

  /** Any caller of the widget may preview: it reads nothing but the assistant's own settings. */
  const preview = async (index: number) => {
    try {
      const answer = await backend.post<PreviewAnswer>('/sequences/preview', { step: stepOf(draft.steps[index]!), step_index: index, steps_total: draft.steps.length, ...(assistants[0] ? { assistant_id: assistants[0].id } : {}) });
      setPreviews((current) => ({ ...current, [index]: answer }));
    } catch (caught) {
      const found = formErrorsOf(caught, (path) => fieldOf(path.replace(/^step\./, `steps.${index}.`)));
      if (Object.keys(found.fields).length > 0) setErrors((current) => ({ ...current, fields: { ...current.fields, ...found.fields } }));
      setPreviews((current) => ({ ...current, [index]: found.form ?? (Object.keys(found.fields).length > 0 ? 'Fix the step first.' : messageOf(caught)) }));
    }
  };

  return (
    <section aria-label="Sequences">
      <h2>Sequences</h2>
      <ul aria-label="The org's sequences">
        {sequences.map((sequence) => (
          <li data-sequence={sequence.name}>
            <strong>{sequence.name}</strong>: {sequence.steps.length} email{sequence.steps.length === 1 ? '' : 's'} over {totalDays(sequence)} days
            {sequence.is_default ? ' (default)' : ''}{' '}
            <button type="button" class="link" disabled={busy} aria-label={`Edit sequence ${sequence.name}`} onClick={() => startEdit(sequence)}>
              Edit
            </button>
            {!sequence.is_default && (
              <>
                {' · '}
                <button type="button" class="link danger" disabled={busy || !connected} aria-label={`Delete sequence ${sequence.name}`} onClick={() => void remove(sequence)}>
                  Delete
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <form
        noValidate
        aria-label={editingSequence ? `Edit sequence ${editingSequence.name}` : 'New sequence'}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h3>{editingSequence ? `Edit sequence ${editingSequence.name}` : 'New sequence'}</h3>
        {errors.form && (
          <p role="alert" class="notice error">
            {errors.form}
          </p>
        )}
        <Field id="sequence-name" label="Sequence name" error={errors.fields.name}>
          {(aria) => <input {...aria} value={draft.name} onInput={(event) => setDraft((current) => ({ ...current, name: (event.target as HTMLInputElement).value }))} />}
        </Field>
        {errors.fields.steps && (
          <p role="alert" class="field-error">
            {errors.fields.steps}
          </p>
        )}
        {draft.steps.map((step, index) => {
          const shown = previews[index];
          return (
            <fieldset aria-label={`Email ${index + 1}`}>
              <legend>Email {index + 1}</legend>
              <div class="grid2">
                <Field id={`step-${index}-days`} label={index === 0 ? 'Days after assignment' : 'Days after the email before'} error={errors.fields[`steps.${index}.after_days`]}>
                  {(aria) => <input {...aria} type="number" min={0} max={365} value={step.after_days} onInput={(event) => changeStep(index, { after_days: (event.target as HTMLInputElement).value })} />}
                </Field>
                <Field id={`step-${index}-mode`} label="Text" error={undefined}>
                  {(aria) => (
                    <select {...aria} value={step.mode} onChange={(event) => changeStep(index, { mode: (event.target as HTMLSelectElement).value as StepDraft['mode'] })}>
                      <option value="generated">Written by the assistant</option>
                      <option value="custom">My own text</option>
                    </select>
                  )}
                </Field>
              </div>
              {step.mode === 'custom' && (
                <>
                  <Field id={`step-${index}-subject`} label="Subject" hint="{{first_name}} and {{company}} are filled in per lead." error={errors.fields[`steps.${index}.subject`]}>
                    {(aria) => <input {...aria} value={step.subject} onInput={(event) => changeStep(index, { subject: (event.target as HTMLInputElement).value })} />}
                  </Field>
                  <Field id={`step-${index}-body`} label="Email" hint="The signature, P.S. and unsubscribe footer are added below it." error={errors.fields[`steps.${index}.body`]}>
                    {(aria) => <textarea {...aria} rows={5} value={step.body} onInput={(event) => changeStep(index, { body: (event.target as HTMLTextAreaElement).value })} />}
                  </Field>
                </>
              )}
              <div class="row">
                <button type="button" disabled={busy} aria-label={`Preview email ${index + 1}`} onClick={() => void preview(index)}>
                  Preview
                </button>
                {draft.steps.length > 1 && (
                  <button
                    type="button"
                    class="link danger"
                    aria-label={`Remove email ${index + 1}`}
                    onClick={() => {
                      setDraft((current) => ({ ...current, steps: current.steps.filter((_, at) => at !== index) }));
                      setPreviews({});
                    }}
                  >
                    Remove
                  </button>
                )}
              </div>
              {typeof shown === 'string' && (
                <p role="alert" class="notice error">
                  {shown}
                </p>
              )}
              {shown && typeof shown !== 'string' && (
                <div aria-label={`Preview of email ${index + 1}`}>
                  <p class="muted">
                    As {shown.sample.assistant} would send it to {shown.sample.name} of {shown.sample.company}:
                  </p>
                  <p>
                    <strong>Subject:</strong> {shown.subject}
                  </p>
                  <pre class="preview">{shown.text}</pre>
                </div>
              )}
            </fieldset>
          );
        })}
        <div class="row">
          <button type="button" disabled={draft.steps.length >= 20} onClick={() => setDraft((current) => ({ ...current, steps: [...current.steps, newStep('3')] }))}>
            Add an email
          </button>
        </div>
        <label class="inline">
          <input type="checkbox" checked={draft.is_default} disabled={editingSequence?.is_default} onChange={(event) => setDraft((current) => ({ ...current, is_default: (event.target as HTMLInputElement).checked }))} /> The org's
          default sequence
        </label>
        <div class="row">
          <button type="submit" class="primary" disabled={busy || !connected}>
            {editingSequence ? 'Save sequence' : 'Create sequence'}
          </button>
          {editingSequence && (
            <button type="button" onClick={() => startEdit(null)}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
