import { useState } from 'preact/hooks';
import type { AssistantInput, AssistantView } from '../../../server/src/contract/settings.js';
import { type FormErrors, NO_ERRORS, formErrorsOf } from '../shared/field-errors.js';
import { Field } from './Field.js';
import { useSettings } from './store.js';

/** The form's text, as typed; turned into the API's values on save. */
interface Draft {
  name: string;
  mailbox_email: string;
  default_context: string;
  signature: string;
  default_sequence_id: string;
  time_zone: string;
  start: string;
  end: string;
  off_days: string[];
  daily_cap: string;
  default_owner_id: string;
  nurture_lines: string;
  postal_address: string;
  brochure_url: string;
  bounce_percent: string;
  approval: AssistantInput['approval'];
  draft_expiry_days: string;
  /** The context and nurture lines (one per line) in each other language; blank context: not written in it. */
  languages: Record<OtherLanguage, { context: string; nurture_lines: string }>;
}

type OtherLanguage = keyof AssistantInput['other_languages'];
const OTHER_LANGUAGES: { code: OtherLanguage; label: string }[] = [
  { code: 'de', label: 'German' },
  { code: 'es', label: 'Spanish' },
  { code: 'fr', label: 'French' },
  { code: 'pt', label: 'Portuguese' },
  { code: 'en', label: 'English' },
];
const noLanguages = (): Draft['languages'] => ({ de: { context: '', nurture_lines: '' }, es: { context: '', nurture_lines: '' }, fr: { context: '', nurture_lines: '' }, pt: { context: '', nurture_lines: '' }, en: { context: '', nurture_lines: '' } });

type Weekday = AssistantInput['off_days'][number];
const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_LABELS: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

const browserZone = () => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

const emptyDraft = (): Draft => ({
  name: '',
  mailbox_email: '',
  default_context: '',
  signature: '',
  default_sequence_id: '',
  time_zone: browserZone(),
  start: '09:00',
  end: '17:00',
  off_days: ['sat', 'sun'],
  daily_cap: '200',
  default_owner_id: '',
  nurture_lines: '',
  postal_address: '',
  brochure_url: '',
  bounce_percent: '5',
  approval: 'auto',
  draft_expiry_days: '3',
  languages: noLanguages(),
});

const draftOf = (assistant: AssistantView): Draft => ({
  name: assistant.name,
  mailbox_email: assistant.mailbox_email,
  default_context: assistant.default_context,
  signature: assistant.signature,
  default_sequence_id: assistant.default_sequence_id ?? '',
  time_zone: assistant.time_zone,
  start: assistant.business_hours.start,
  end: assistant.business_hours.end,
  off_days: assistant.off_days,
  daily_cap: String(assistant.daily_cap),
  default_owner_id: assistant.default_owner_id ?? '',
  nurture_lines: assistant.nurture_lines.join('\n'),
  postal_address: assistant.postal_address,
  brochure_url: assistant.brochure_url,
  bounce_percent: String(Math.round(assistant.bounce_threshold * 1000) / 10),
  approval: assistant.approval,
  draft_expiry_days: String(assistant.draft_expiry_days),
  languages: Object.fromEntries(
    OTHER_LANGUAGES.map(({ code }) => [code, { context: assistant.other_languages[code]?.context ?? '', nurture_lines: (assistant.other_languages[code]?.nurture_lines ?? []).join('\n') }]),
  ) as Draft['languages'],
});

const linesOf = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);

/** A number as typed, or null when it is none (the server then says what it expects). */
const numberOf = (text: string): number | null => (text.trim() === '' || !Number.isFinite(Number(text)) ? null : Number(text));

/** The API's body; the values the server checks are sent as typed, so its message is the one shown. */
function inputOf(draft: Draft): Record<keyof AssistantInput, unknown> {
  const percent = numberOf(draft.bounce_percent);
  return {
    name: draft.name,
    mailbox_email: draft.mailbox_email.trim(),
    default_context: draft.default_context,
    signature: draft.signature,
    default_sequence_id: draft.default_sequence_id || null,
    time_zone: draft.time_zone.trim(),
    business_hours: { start: draft.start, end: draft.end },
    off_days: draft.off_days,
    daily_cap: numberOf(draft.daily_cap),
    default_owner_id: draft.default_owner_id.trim() || null,
    nurture_lines: linesOf(draft.nurture_lines),
    postal_address: draft.postal_address,
    brochure_url: draft.brochure_url.trim(),
    bounce_threshold: percent === null ? null : Math.round(percent * 10) / 1000,
    approval: draft.approval,
    draft_expiry_days: numberOf(draft.draft_expiry_days),
    // A language is written in when it has a context; its nurture lines alone are kept by the server's message.
    other_languages: Object.fromEntries(
      OTHER_LANGUAGES.filter(({ code }) => draft.languages[code].context.trim() || draft.languages[code].nurture_lines.trim()).map(({ code }) => [
        code,
        { context: draft.languages[code].context, nurture_lines: linesOf(draft.languages[code].nurture_lines) },
      ]),
    ),
  };
}

/** The form's field for a path of the server's answer (business_hours.start → start, off_days.3 → off_days). */
function fieldOf(path: string): string | null {
  const [head, next] = path.split('.');
  if (head === 'business_hours') return next === 'start' ? 'start' : 'end';
  if (head === 'bounce_threshold') return 'bounce_percent';
  if (head === 'other_languages') return next ? `other_languages.${next}.${path.split('.')[2] === 'nurture_lines' ? 'nurture_lines' : 'context'}` : 'default_context';
  return head && head in emptyDraft() ? head : null;
}

/** Assistants: the list with their state, and one form to create or edit any of them with every field. */
export function AssistantsPanel() {
  const { backend, busy, connected, assistants, sequences, asAdmin, reload } = useSettings();
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [confirming, setConfirming] = useState<{ id: string; action: 'archive' | 'delete' } | null>(null);
  const change = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));
  const editingAssistant = assistants.find((assistant) => assistant.id === editing);

  const startEdit = (assistant: AssistantView | null) => {
    setEditing(assistant?.id ?? null);
    setDraft(assistant ? draftOf(assistant) : emptyDraft());
    setErrors(NO_ERRORS);
  };

  const save = () =>
    asAdmin(
      async () => {
        setErrors(NO_ERRORS);
        const body = inputOf(draft);
        if (editing) await backend.put(`/assistants/${editing}`, body);
        else await backend.post('/assistants', body);
        await reload();
        startEdit(null);
        return editing ? `Assistant ${draft.name.trim()} saved.` : `Assistant ${draft.name.trim()} created: assign records to its Zoho user (${draft.mailbox_email.trim()}) to start.`;
      },
      (error) => {
        // Said in the form, beside what was typed: a summary at its top, each problem under its field.
        const found = formErrorsOf(error, fieldOf);
        setErrors({ ...found, form: found.form ?? (Object.keys(found.fields).length > 0 ? 'Not saved: see the fields marked below.' : null) });
        return null;
      },
    );

  const archive = (assistant: AssistantView) =>
    asAdmin(async () => {
      setConfirming(null);
      if (assistant.archived_at !== null) {
        await backend.post(`/assistants/${assistant.id}/unarchive`);
        await reload();
        return `${assistant.name} is back in service: records assigned to it are worked again.`;
      }
      const { handedBack } = await backend.post<{ handedBack: number }>(`/assistants/${assistant.id}/archive`);
      await reload();
      return `${assistant.name} archived: it takes no new records${handedBack > 0 ? `, and ${handedBack} record${handedBack === 1 ? ' goes' : 's go'} back to their owners` : ''}.`;
    });

  const remove = (assistant: AssistantView) =>
    asAdmin(async () => {
      setConfirming(null);
      await backend.delete(`/assistants/${assistant.id}`);
      if (editing === assistant.id) startEdit(null);
      await reload();
      return `Assistant ${assistant.name} deleted.`;
    });

  const stateOf = (assistant: AssistantView) =>
    assistant.archived_at !== null ? 'Archived' : assistant.sending_paused_at !== null ? `Sending paused${assistant.sending_paused_reason ? `: ${assistant.sending_paused_reason}` : ''}` : 'In service';
  const text = (key: keyof Draft) => ({ value: draft[key] as string, onInput: (event: { currentTarget: { value: string } }) => change({ [key]: event.currentTarget.value }) });

  return (
    <section aria-label="Assistants">
      <h2>Assistants</h2>
      {assistants.length === 0 ? (
        <p class="muted">No assistant yet: create one below.</p>
      ) : (
        <table class="details" aria-label="The org's assistants">
          <thead>
            <tr>
              <th scope="col">Assistant</th>
              <th scope="col">Sending</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="muted">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {assistants.map((assistant) => (
              <tr data-assistant={assistant.name}>
                <td>
                  {assistant.name}
                  <div class="muted">{assistant.mailbox_email}</div>
                </td>
                <td>
                  {assistant.business_hours.start}–{assistant.business_hours.end} {assistant.time_zone}, up to {assistant.daily_cap} a day
                </td>
                <td>
                  <span class={`badge${assistant.archived_at !== null ? ' archived' : ''}`}>{stateOf(assistant)}</span>
                </td>
                <td>
                  {confirming?.id === assistant.id ? (
                    <span role="group" aria-label={`Confirm ${confirming.action}`}>
                      {confirming.action === 'archive' ? `Archive ${assistant.name}? The records it works go back to their owners.` : `Delete ${assistant.name} for good?`}{' '}
                      <button type="button" class="danger" disabled={busy} onClick={() => void (confirming.action === 'archive' ? archive(assistant) : remove(assistant))}>
                        {confirming.action === 'archive' ? 'Archive' : 'Delete'}
                      </button>{' '}
                      <button type="button" onClick={() => setConfirming(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <div class="row">
                      <button type="button" disabled={busy} aria-label={`Edit ${assistant.name}`} onClick={() => startEdit(assistant)}>
                        Edit
                      </button>
                      {assistant.archived_at !== null ? (
                        <button type="button" disabled={busy || !connected} aria-label={`Unarchive ${assistant.name}`} onClick={() => void archive(assistant)}>
                          Unarchive
                        </button>
                      ) : (
                        <button type="button" disabled={busy || !connected} aria-label={`Archive ${assistant.name}`} onClick={() => setConfirming({ id: assistant.id, action: 'archive' })}>
                          Archive
                        </button>
                      )}
                      <button type="button" class="danger" disabled={busy || !connected} aria-label={`Delete ${assistant.name}`} onClick={() => setConfirming({ id: assistant.id, action: 'delete' })}>
                        Delete
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <form
        noValidate
        aria-label={editingAssistant ? `Edit ${editingAssistant.name}` : 'New assistant'}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h3>{editingAssistant ? `Edit ${editingAssistant.name}` : 'New assistant'}</h3>
        {errors.form && (
          <p role="alert" class="notice error">
            {errors.form}
          </p>
        )}
        <div class="grid2">
          <Field id="assistant-name" label="Name" error={errors.fields.name}>
            {(aria) => <input {...aria} {...text('name')} />}
          </Field>
          <Field id="assistant-mailbox" label="Mailbox email" hint="The assistant's Zoho user has the same address." error={errors.fields.mailbox_email}>
            {(aria) => <input {...aria} type="email" {...text('mailbox_email')} />}
          </Field>
        </div>
        <Field id="assistant-context" label="Default context" hint="What the assistant offers and to whom; used when a record's 7Targets Context is empty." error={errors.fields.default_context}>
          {(aria) => <textarea {...aria} rows={3} {...text('default_context')} />}
        </Field>
        <Field id="assistant-signature" label="Signature" error={errors.fields.signature}>
          {(aria) => <textarea {...aria} rows={2} {...text('signature')} />}
        </Field>
        <fieldset>
          <legend>When it sends</legend>
          <div class="grid2">
            <Field id="assistant-start" label="Sending hours start" error={errors.fields.start}>
              {(aria) => <input {...aria} type="time" {...text('start')} />}
            </Field>
            <Field id="assistant-end" label="Sending hours end" error={errors.fields.end}>
              {(aria) => <input {...aria} type="time" {...text('end')} />}
            </Field>
            <Field id="assistant-zone" label="Time zone" hint="An IANA name, such as Europe/Berlin or America/New_York." error={errors.fields.time_zone}>
              {(aria) => <input {...aria} {...text('time_zone')} />}
            </Field>
            <Field id="assistant-cap" label="Emails per day at most" error={errors.fields.daily_cap}>
              {(aria) => <input {...aria} type="number" min={1} max={2000} {...text('daily_cap')} />}
            </Field>
          </div>
          <div class={`field${errors.fields.off_days ? ' invalid' : ''}`} role="group" aria-label="Off days">
            <span class="label">Off days (no emails)</span>
            <div class="days">
              {WEEKDAYS.map((day) => (
                <label class="inline">
                  <input
                    type="checkbox"
                    checked={draft.off_days.includes(day)}
                    onChange={(event) => {
                      const checked = event.currentTarget.checked;
                      setDraft((current) => ({ ...current, off_days: checked ? [...current.off_days, day] : current.off_days.filter((other) => other !== day) }));
                    }}
                  />
                  {DAY_LABELS[day]}
                </label>
              ))}
            </div>
            {errors.fields.off_days && (
              <span class="field-error" role="alert">
                {errors.fields.off_days}
              </span>
            )}
          </div>
        </fieldset>
        <div class="grid2">
          <Field id="assistant-sequence" label="Sequence" hint="For records that do not choose one." error={errors.fields.default_sequence_id}>
            {(aria) => (
              <select {...aria} value={draft.default_sequence_id} onChange={(event) => change({ default_sequence_id: event.currentTarget.value })}>
                <option value="">The org's default sequence</option>
                {sequences.map((sequence) => (
                  <option value={sequence.id}>{sequence.name}</option>
                ))}
              </select>
            )}
          </Field>
          <Field id="assistant-owner" label="Default owner (Zoho user id)" hint="Gets records back that had no owner before." error={errors.fields.default_owner_id}>
            {(aria) => <input {...aria} inputMode="numeric" {...text('default_owner_id')} />}
          </Field>
          <Field id="assistant-bounce" label="Pause sending above this bounce rate (%)" error={errors.fields.bounce_percent}>
            {(aria) => <input {...aria} type="number" step="0.5" min={0.5} max={50} {...text('bounce_percent')} />}
          </Field>
          <Field id="assistant-approval" label="Approve emails before they go" hint="Drafts wait in the Drafts list and on the record." error={errors.fields.approval}>
            {(aria) => (
              <select {...aria} value={draft.approval} onChange={(event) => change({ approval: event.currentTarget.value as Draft['approval'] })}>
                <option value="auto">No: send automatically</option>
                <option value="first">The first email of each lead</option>
                <option value="every">Every email</option>
              </select>
            )}
          </Field>
          <Field id="assistant-draft-expiry" label="Hand back a draft not approved within (days)" error={errors.fields.draft_expiry_days}>
            {(aria) => <input {...aria} type="number" step="1" min={1} max={30} {...text('draft_expiry_days')} />}
          </Field>
          <Field id="assistant-brochure" label="Brochure link" hint="Sent at once to a lead who asks for material." error={errors.fields.brochure_url}>
            {(aria) => <input {...aria} type="url" placeholder="https://" {...text('brochure_url')} />}
          </Field>
        </div>
        <Field id="assistant-nurture" label="Nurture lines" hint="One per line: proof points the emails draw on, one per email." error={errors.fields.nurture_lines}>
          {(aria) => <textarea {...aria} rows={3} {...text('nurture_lines')} />}
        </Field>
        <details class="languages" open={OTHER_LANGUAGES.some(({ code }) => draft.languages[code].context || errors.fields[`other_languages.${code}.context`] || errors.fields[`other_languages.${code}.nurture_lines`])}>
          <summary>Writing in other languages</summary>
          <p class="muted">Leads whose Zoho record says they speak German, Spanish, French, Portuguese or English (their language or country field) get emails in it, written from the context you give here. Leave a language blank to write to them in the default context's language.</p>
          {OTHER_LANGUAGES.map(({ code, label }) => {
            const pitch = draft.languages[code];
            const set = (patch: Partial<typeof pitch>) => change({ languages: { ...draft.languages, [code]: { ...pitch, ...patch } } });
            return (
              <div class="grid2">
                <Field id={`assistant-${code}-context`} label={`Context in ${label}`} error={errors.fields[`other_languages.${code}.context`]}>
                  {(aria) => <textarea {...aria} rows={3} lang={code} value={pitch.context} onInput={(event) => set({ context: event.currentTarget.value })} />}
                </Field>
                <Field id={`assistant-${code}-nurture`} label={`Nurture lines in ${label}`} hint="One per line." error={errors.fields[`other_languages.${code}.nurture_lines`]}>
                  {(aria) => <textarea {...aria} rows={3} lang={code} value={pitch.nurture_lines} onInput={(event) => set({ nurture_lines: event.currentTarget.value })} />}
                </Field>
              </div>
            );
          })}
        </details>
        <Field id="assistant-address" label="Postal address" hint="Printed in every email's footer, as anti-spam law asks." error={errors.fields.postal_address}>
          {(aria) => <textarea {...aria} rows={2} {...text('postal_address')} />}
        </Field>
        <div class="row">
          <button type="submit" class="primary" disabled={busy || !connected}>
            {editingAssistant ? 'Save assistant' : 'Create assistant'}
          </button>
          {editingAssistant && (
            <button type="button" onClick={() => startEdit(null)}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
