import { useEffect, useState } from 'preact/hooks';
import type { LeadView, RecordWidgetAnswer as RecordWidgetData } from '../../../server/src/contract/record-widget.js';
import type { Backend } from '../shared/backend.js';
import { DraftEditor } from '../shared/DraftEditor.js';
import { useHost } from '../shared/context.js';
import { CORRECTABLE_INTENTS, INTENT_LABELS, intentLabel } from '../shared/intents.js';

export type { AssistantOption, LeadView, RecordWidgetAnswer as RecordWidgetData } from '../../../server/src/contract/record-widget.js';

interface Loaded {
  module: string;
  recordId: string;
  data: RecordWidgetData;
  context: string;
}

type View = { kind: 'loading' } | { kind: 'error'; message: string } | ({ kind: 'ready' } & Loaded);

const EVENT_LABELS: Record<string, string> = {
  assigned: 'Took the record',
  reassignment_refused: 'Assigned again; sent back (already worked)',
  email_sent: 'Sent an email',
  paused: 'Paused',
  resumed: 'Resumed',
  unsubscribed: 'The lead unsubscribed',
  handed_back: 'Handed back',
  stopped: 'Stopped',
  reply: 'Reply received',
  referral: 'Referral added to Zoho',
  opted_out: 'Email opt-out set in Zoho',
  correction: 'Reading corrected',
  composer_fallback: "Written by the built-in composer (the model's email was not used)",
  delivery_unconfirmed: 'An email may not have been sent (the assistant stopped while sending; not sent again)',
  draft_waiting: 'Wrote a draft for approval',
  draft_approved: 'Draft approved',
  draft_skipped: 'Draft skipped (not sent)',
  draft_expired: 'Draft not approved in time (not sent)',
  task_created: 'Task for the owner created in Zoho',
  task_failed: 'Zoho refused the task for the owner',
};


const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const isWorking = (lead: LeadView | null) => lead?.status === 'active' || lead?.status === 'paused';
const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How often the open widget reads the record's state again: any change shows within about a second. */
export const POLL_MS = 1_000;
/** Slower while the page is in the background, and after failed reads (doubling up to this). */
export const HIDDEN_POLL_MS = 10_000;
export const MAX_BACKOFF_MS = 30_000;
/** How long Assign watches for the assistant's answer before it says it is still waiting. */
const ASSIGN_WATCH_MS = 30_000;
const hidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';

/**
 * The record widget: the "7Targets Context" field (editable), the assistant's status for this
 * record with a short timeline, Assign to assistant, and Pause / Resume / Hand back now.
 */
export function RecordWidget({ backend, wait = realWait }: { backend: Backend; wait?: (ms: number) => Promise<void> }) {
  const host = useHost();
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [assistantId, setAssistantId] = useState('');
  const [sequenceId, setSequenceId] = useState('');
  const [correction, setCorrection] = useState('');
  const [progress, setProgress] = useState<string | null>(null);

  const fetchState = async (): Promise<Loaded> => {
    const page = await host.context();
    if (!page.recordId) throw new Error('Open this widget on a Lead, Contact or Deal record.');
    const [data, record] = await Promise.all([backend.get<RecordWidgetData>(`/record-widget/${page.module}/${page.recordId}`), host.getRecord(page.module, page.recordId)]);
    const value = data.fields.context ? record.fields[data.fields.context] : null;
    return { module: page.module, recordId: page.recordId, data, context: typeof value === 'string' ? value : '' };
  };

  const load = async () => {
    try {
      const loaded = await fetchState();
      setView({ kind: 'ready', ...loaded });
      setDraft(loaded.context);
      setAssistantId((current) => current || loaded.data.assistants[0]?.id || '');
    } catch (error) {
      setView({ kind: 'error', message: messageOf(error) });
    }
  };

  useEffect(() => {
    void load();
  }, []);

  // Live: the record's state is read again every second (every 10 s in a background tab, backing
  // off on failures), so an owner change in Zoho, a sent email, a reply or a handback shows without a reload.
  const where = view.kind === 'ready' ? `${view.module}/${view.recordId}` : null;
  useEffect(() => {
    if (!where) return;
    let stopped = false;
    void (async () => {
      let delay = POLL_MS;
      while (!stopped) {
        await wait(hidden() ? HIDDEN_POLL_MS : delay);
        if (stopped) return;
        try {
          const data = await backend.get<RecordWidgetData>(`/record-widget/${where}`);
          delay = POLL_MS;
          if (!stopped) setView((current) => (current.kind === 'ready' && JSON.stringify(current.data) !== JSON.stringify(data) ? { ...current, data } : current));
        } catch {
          delay = Math.min(delay * 2, MAX_BACKOFF_MS);
        }
      }
    })();
    return () => {
      stopped = true;
    };
  }, [where]);

  /** Runs one action with the buttons disabled, and says how it went. */
  const run = async (action: () => Promise<string>, doing?: string) => {
    setBusy(true);
    setNotice(null);
    setProgress(doing ?? null);
    try {
      setNotice({ text: await action(), error: false });
    } catch (error) {
      setNotice({ text: messageOf(error), error: true });
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  if (view.kind === 'loading') return <p role="status" class="muted">Loading the assistant…</p>;
  if (view.kind === 'error') {
    return (
      <div role="alert" class="notice error">
        <p>{view.message}</p>
        <button type="button" onClick={() => void load()}>
          Try again
        </button>
      </div>
    );
  }

  const { data, module, recordId } = view;
  const lead = data.lead;
  // Only sequences that can send something are offered.
  const usable = data.sequences.filter((sequence) => sequence.steps > 0);
  const contextField = data.fields.context;

  const saveContext = () =>
    run(async () => {
      if (!contextField) throw new Error('The "7Targets Context" field is missing on this module: an administrator runs Setup in the settings tab.');
      await host.updateRecord(module, recordId, { [contextField]: draft });
      setView({ ...view, context: draft });
      return 'Context saved to the record.';
    });

  const assign = () =>
    run(async () => {
      const assistant = data.assistants.find((candidate) => candidate.id === assistantId);
      if (!assistant) throw new Error('Choose an assistant.');
      const userId = assistant.zohoUserId ?? (await host.users()).find((user) => user.email.toLowerCase() === assistant.mailboxEmail.toLowerCase())?.id;
      if (!userId) throw new Error(`${assistant.name} has no Zoho user yet: an administrator adds ${assistant.mailboxEmail} as a Zoho user (the settings tab's CRM Details says how).`);
      // Any sequence of the org: the choice goes to the backend (the record's picklist lists only those Setup saw).
      if (sequenceId) await backend.post(`/record-widget/${module}/${recordId}/sequence`, { sequenceId });
      const newest = JSON.stringify(data.events[0] ?? null);
      await host.updateRecord(module, recordId, { Owner: { id: userId } });
      // Zoho tells the assistant within seconds: wait for what it made of it, a lead or a refusal.
      for (let waited = 0; waited < ASSIGN_WATCH_MS; waited += POLL_MS) {
        const next = await backend.get<RecordWidgetData>(`/record-widget/${module}/${recordId}`);
        const latest = next.events[0];
        if (isWorking(next.lead)) {
          setView((current) => (current.kind === 'ready' ? { ...current, data: next } : current));
          return `${assistant.name} is working this record.`;
        }
        if (latest && JSON.stringify(latest) !== newest && latest.kind === 'reassignment_refused') {
          setView((current) => (current.kind === 'ready' ? { ...current, data: next } : current));
          throw new Error(refusalOf(assistant.name, next.lead));
        }
        await wait(POLL_MS);
      }
      return `Assigned to ${assistant.name} in Zoho; the assistant has not answered yet. This panel updates by itself when it does.`;
    }, `Assigning to ${data.assistants.find((candidate) => candidate.id === assistantId)?.name ?? 'the assistant'}…`);

  const act = (path: string, doing: string, done: string) =>
    run(async () => {
      await backend.post(`/leads/${lead!.id}/${path}`);
      const next = await backend.get<RecordWidgetData>(`/record-widget/${module}/${recordId}`);
      setView((current) => (current.kind === 'ready' ? { ...current, data: next } : current));
      return done;
    }, doing);

  const replyEvent = data.events.find((event) => event.kind === 'reply' && event.inboundId !== undefined);
  // A person's correction of that reply is its reading from then on.
  const correctedTo = replyEvent ? data.events.find((event) => event.kind === 'correction' && event.inboundId === replyEvent.inboundId)?.to : undefined;
  const lastReply = replyEvent && correctedTo ? { ...replyEvent, intent: correctedTo, unclear: undefined } : replyEvent;
  const correct = () =>
    run(async () => {
      if (!lead || !lastReply || !correction) throw new Error('Choose what the reply was.');
      const answer = await backend.post<{ correction: { changes: string[] } }>(`/leads/${lead.id}/replies/${lastReply.inboundId}/correction`, { intent: correction });
      const next = await fetchState();
      setView({ kind: 'ready', ...next });
      setCorrection('');
      const changes = answer.correction.changes;
      return `Corrected to ${intentLabel(correction)}.${changes.length > 0 ? ` ${changes.join('; ')}.` : ''} Similar replies will be read this way.`;
    });

  return (
    <section aria-label="Sales assistant" aria-busy={busy}>
      <header class="row">
        <h1>{lead?.assistant?.name ?? 'Sales assistant'}</h1>
        {lead && <span class={`badge ${lead.status}`}>{statusOf(lead).badge}</span>}
      </header>

      {lead ? (
        <dl class="facts">
          <dt>Status</dt>
          <dd>{statusOf(lead).line}</dd>
          <dt>In Zoho</dt>
          <dd>{lead.state}</dd>
          <dt>Emails</dt>
          <dd>
            {lead.step.sent} of {lead.step.total}
            {lead.sequence ? ` (${lead.sequence.name})` : ''}
          </dd>
          {lead.lastSentAt && (
            <>
              <dt>Last email</dt>
              <dd>{when(lead.lastSentAt)}</dd>
            </>
          )}
          {data.draft && (
            <>
              <dt>Next email</dt>
              <dd>Waiting for approval (below)</dd>
            </>
          )}
          {lead.nextSendAt && lead.status === 'active' && (
            <>
              <dt>Next email</dt>
              <dd>{when(lead.nextSendAt)}</dd>
            </>
          )}
          <dt>Last reply</dt>
          <dd>{lead.lastReply ? `${INTENT_LABELS[lead.lastReply.intent]}${lead.lastReply.at ? `, ${when(lead.lastReply.at)}` : ''}` : 'None yet'}</dd>
          {lead.resumeAt && lead.status === 'paused' && (
            <>
              <dt>Resumes</dt>
              <dd>{when(lead.resumeAt)}</dd>
            </>
          )}
        </dl>
      ) : (
        <p class="muted">The assistant is not working on this record.</p>
      )}

      {isWorking(lead) && !lead!.handingBack && (
        <div class="row" role="group" aria-label="Actions">
          {lead!.status === 'active' && (
            <button type="button" disabled={busy} onClick={() => void act('pause', 'Pausing…', 'Paused: no emails go out until you resume.')}>
              Pause
            </button>
          )}
          {lead!.status === 'paused' && (
            <button type="button" disabled={busy} onClick={() => void act('resume', 'Resuming…', 'Resumed.')}>
              Resume
            </button>
          )}
          <button type="button" disabled={busy} onClick={() => void act('hand-back', 'Handing back…', `Handing back to ${lead!.previousOwner ?? 'the previous owner'}.`)}>
            Hand back now
          </button>
        </div>
      )}

      {data.draft && isWorking(lead) && !lead!.handingBack && (
        <DraftEditor
          key={data.draft.id}
          draft={data.draft}
          backend={backend}
          who={async () => {
            const user = await host.currentUser();
            return user.fullName || user.email;
          }}
          done={async (message) => {
            const next = await backend.get<RecordWidgetData>(`/record-widget/${module}/${recordId}`);
            setView((current) => (current.kind === 'ready' ? { ...current, data: next } : current));
            setNotice({ text: message, error: false });
          }}
        />
      )}

      {!isWorking(lead) && (
        <form
          class="assign"
          onSubmit={(event) => {
            event.preventDefault();
            void assign();
          }}
        >
          {data.assistants.length === 0 ? (
            <p class="muted">No assistant yet: an administrator creates one in the settings tab.</p>
          ) : (
            <>
              {data.assistants.length > 1 && (
                <label>
                  Assistant
                  <select value={assistantId} onChange={(event) => setAssistantId(event.currentTarget.value)}>
                    {data.assistants.map((assistant) => (
                      <option value={assistant.id}>{assistant.name}</option>
                    ))}
                  </select>
                </label>
              )}
              {usable.length > 1 && (
                <label>
                  Sequence
                  <select value={sequenceId} onChange={(event) => setSequenceId(event.currentTarget.value)}>
                    <option value="">The assistant's default</option>
                    {usable.map((sequence) => (
                      <option value={sequence.id}>
                        {sequence.name} ({sequence.steps} emails)
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <button type="submit" class="primary" disabled={busy}>
                {progress?.startsWith('Assigning') ? 'Assigning…' : `Assign to ${data.assistants.find((assistant) => assistant.id === assistantId)?.name ?? 'assistant'}`}
              </button>
            </>
          )}
        </form>
      )}

      <form
        class="context"
        onSubmit={(event) => {
          event.preventDefault();
          void saveContext();
        }}
      >
        <label for="context">7Targets Context</label>
        <textarea id="context" rows={4} value={draft} placeholder="What the assistant should say about your offer to this person. Empty: the assistant's default context." onInput={(event) => setDraft(event.currentTarget.value)} />
        <button type="submit" disabled={busy || draft === view.context}>
          Save context
        </button>
      </form>

      {lead && lastReply && (
        <section aria-label="Last reply" class="reply">
          <h2>Last reply</h2>
          <p>
            {correctedTo ? 'Corrected to' : 'Understood as'} <strong>{intentLabel(lastReply.intent)}</strong>
            {lastReply.meeting ? `, proposed meeting time: ${lastReply.meeting}` : ''}
          </p>
          {lastReply.unclear && <p class="notice">Unclear, please read: {lastReply.unclear}.</p>}
          {lastReply.excerpt && <blockquote>{lastReply.excerpt.slice(0, 300)}</blockquote>}
          <form
            class="row"
            onSubmit={(event) => {
              event.preventDefault();
              void correct();
            }}
          >
            <label for="correction">This was</label>
            <select id="correction" value={correction} onChange={(event) => setCorrection(event.currentTarget.value)}>
              <option value="">Choose…</option>
              {CORRECTABLE_INTENTS.filter((intent) => intent !== lastReply.intent).map((intent) => (
                <option value={intent}>{INTENT_LABELS[intent]}</option>
              ))}
            </select>
            <button type="submit" disabled={busy || !correction}>
              Correct
            </button>
          </form>
        </section>
      )}

      {progress && (
        <p role="status" class="notice">
          {progress}
        </p>
      )}

      {notice && (
        <p role={notice.error ? 'alert' : 'status'} class={notice.error ? 'notice error' : 'notice'}>
          {notice.text}
        </p>
      )}

      {data.events.length > 0 && (
        <section aria-label="Timeline">
          <h2>Timeline</h2>
          <ol class="timeline">
            {data.events.map((event) => (
              <li>
                <time dateTime={event.at}>{when(event.at)}</time> {EVENT_LABELS[event.kind] ?? event.kind}
                {event.subject ? `: "${event.subject}"` : ''}
                {event.kind === 'reply' && event.intent ? ` (${intentLabel(event.intent)})` : event.reason ? ` (${event.reason})` : ''}
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}

/** One vocabulary for the badge and the status line (the timeline and Zoho's notes use the same words). */
export function statusOf(lead: LeadView): { badge: string; line: string } {
  const owner = lead.previousOwner ?? 'the previous owner';
  if (lead.handingBack && (lead.status === 'active' || lead.status === 'paused')) return { badge: 'Handing back', line: `Handing back to ${owner}` };
  switch (lead.status) {
    case 'active':
      return { badge: 'Working', line: 'Working this record' };
    case 'paused':
      return { badge: 'Paused', line: lead.resumeAt ? 'Paused until it resumes' : 'Paused: no emails go out until it is resumed' };
    case 'handed_back':
      return { badge: 'Handed back', line: `Handed back to ${owner}${lead.closeReason ? `: ${lead.closeReason}` : ''}` };
    case 'stopped':
      return { badge: 'Stopped', line: `Stopped${lead.closeReason ? `: ${lead.closeReason}` : ''}` };
  }
}

/** Why an assignment was refused, in the widget: the assistant works a record once. */
function refusalOf(assistant: string, lead: LeadView | null): string {
  const before = lead?.closeReason ? ` (${lead.closeReason.replace(/\.$/, '')})` : '';
  return `Not assigned: ${assistant} already worked this record${before}, so it will not start again. The record went back to ${lead?.previousOwner ?? 'its owner'}.`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
