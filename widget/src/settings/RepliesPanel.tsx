import { useEffect, useState } from 'preact/hooks';
import type { InboundView, MailboxAnswer, PhraseView, SuppressionView } from '../../../server/src/contract/replies.js';
import { messageOf, useSettings } from './store.js';
import { CORRECTABLE_INTENTS, intentLabel } from '../shared/intents.js';

type MailboxView = MailboxAnswer;
type InboundRow = InboundView;
type Phrase = PhraseView;
type Suppression = SuppressionView;

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : 'never');

/**
 * Replies and deliverability: each assistant's mailbox (IMAP) and sending pause (the brochure link is the assistant's form's);
 * mail that matched no lead; the suppression list; and phrases taught to the assistant.
 */
export function RepliesPanel() {
  const { backend, busy, connected, asAdmin, assistants, details, reload } = useSettings();
  const inboundWebhook = details?.org.inboundWebhook ?? false;
  const [loadError, setLoadError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [mailbox, setMailbox] = useState<MailboxView | null>(null);
  const [mailboxForm, setMailboxForm] = useState({ host: '', port: '993', secure: true, user: '', password: '' });
  const [unmatched, setUnmatched] = useState<InboundRow[] | null>(null);
  const [suppressions, setSuppressions] = useState<Suppression[] | null>(null);
  const [phrases, setPhrases] = useState<Phrase[]>([]);
  const [phraseForm, setPhraseForm] = useState({ phrase: '', intent: 'Deactivated' });
  const [blocked, setBlocked] = useState('');
  const [recent, setRecent] = useState<InboundRow[] | null>(null);
  const [corrections, setCorrections] = useState<Record<number, string>>({});

  const loadPhrases = async () => setPhrases((await backend.get<{ phrases?: Phrase[] }>('/reply-phrases')).phrases ?? []);

  useEffect(() => {
    loadPhrases().catch((caught: unknown) => setLoadError(`The taught phrases could not be loaded: ${messageOf(caught)}`));
  }, []);

  // The chosen assistant follows the list (the first, until one is chosen).
  useEffect(() => {
    const current = assistants.find((candidate) => candidate.id === chosen) ?? assistants[0];
    if (current && current.id !== chosen) setChosen(current.id);
  }, [assistants, chosen]);

  const assistant = assistants.find((candidate) => candidate.id === chosen);

  const showMailbox = () =>
    asAdmin(async () => {
      const view = await backend.get<MailboxView>(`/assistants/${chosen}/mailbox`);
      setMailbox(view);
      return view.configured ? `Mailbox ${view.user ?? ''} on ${view.host ?? ''}: last read ${when(view.lastPolledAt)}${view.lastError ? ` (${view.lastError})` : ''}.` : 'No mailbox yet: the assistant cannot read replies until one is set.';
    });

  const saveMailbox = () =>
    asAdmin(async () => {
      await backend.put(`/assistants/${chosen}/mailbox`, { host: mailboxForm.host, port: Number(mailboxForm.port), secure: mailboxForm.secure, user: mailboxForm.user, password: mailboxForm.password });
      setMailboxForm((current) => ({ ...current, password: '' }));
      await reload();
      return `Signed in to ${mailboxForm.host} as ${mailboxForm.user}: replies will be read from now on.`;
    });

  const resumeSending = () =>
    asAdmin(async () => {
      await backend.post(`/assistants/${chosen}/resume-sending`);
      await reload();
      return 'Sending resumed.';
    });

  const loadUnmatched = () =>
    asAdmin(async () => {
      const list = await backend.get<{ messages: InboundRow[] }>('/inbound?status=unmatched&limit=50');
      setUnmatched(list.messages);
      return `${list.messages.length} message${list.messages.length === 1 ? '' : 's'} matched no lead.`;
    });

  const loadRecent = () =>
    asAdmin(async () => {
      const list = await backend.get<{ messages: InboundRow[] }>('/inbound?status=processed&limit=30');
      setRecent(list.messages);
      return `${list.messages.length} recent repl${list.messages.length === 1 ? 'y' : 'ies'}.`;
    });

  const correct = (row: InboundRow) =>
    asAdmin(async () => {
      const intent = corrections[row.id];
      if (!intent) throw new Error('Choose what the reply was.');
      const answer = await backend.post<{ changes: string[] }>(`/inbound/${row.id}/correction`, { intent });
      setRecent((await backend.get<{ messages: InboundRow[] }>('/inbound?status=processed&limit=30')).messages);
      return `"${row.subject}" is now read as ${intentLabel(intent)}.${answer.changes.length > 0 ? ` ${answer.changes.join('; ')}.` : ''} Similar replies will be read this way.`;
    });

  const loadSuppressions = () =>
    asAdmin(async () => {
      const list = await backend.get<{ suppressions: Suppression[] }>('/suppressions?limit=200');
      setSuppressions(list.suppressions);
      return `${list.suppressions.length} suppressed address${list.suppressions.length === 1 ? '' : 'es'}.`;
    });

  const addSuppression = () =>
    asAdmin(async () => {
      await backend.post('/suppressions', { email: blocked.trim() });
      setBlocked('');
      setSuppressions((await backend.get<{ suppressions: Suppression[] }>('/suppressions?limit=200')).suppressions);
      return `${blocked.trim()} will never be emailed.`;
    });

  const removeSuppression = (email: string) =>
    asAdmin(async () => {
      await backend.delete(`/suppressions/${encodeURIComponent(email)}`);
      setSuppressions((await backend.get<{ suppressions: Suppression[] }>('/suppressions?limit=200')).suppressions);
      return `${email} may be emailed again.`;
    });

  const teach = () =>
    asAdmin(async () => {
      await backend.post('/reply-phrases', phraseForm);
      setPhraseForm((current) => ({ ...current, phrase: '' }));
      setPhrases((await backend.get<{ phrases: Phrase[] }>('/reply-phrases')).phrases);
      return `Replies containing "${phraseForm.phrase}" now read as ${phraseForm.intent}.`;
    });

  const forget = (phrase: Phrase) =>
    asAdmin(async () => {
      await backend.delete(`/reply-phrases/${phrase.id}`);
      setPhrases((await backend.get<{ phrases: Phrase[] }>('/reply-phrases')).phrases);
      return `Forgot "${phrase.phrase}".`;
    });

  return (
    <section aria-label="Replies">
      <h2>Replies and deliverability</h2>
      {loadError && (
        <p role="alert" class="notice error">
          {loadError}
        </p>
      )}
      {assistants.length === 0 ? (
        <p class="muted">Create an assistant first.</p>
      ) : (
        <>
          <label>
            Assistant
            <select value={chosen} onChange={(event) => {
              const id = event.currentTarget.value;
              setChosen(id);
              setMailbox(null);
            }}>
              {assistants.map((candidate) => (
                <option value={candidate.id}>{candidate.name} ({candidate.mailbox_email})</option>
              ))}
            </select>
          </label>
          {assistant?.sending_paused_reason && (
            <p class="notice error" role="alert">
              {assistant.sending_paused_reason}{' '}
              <button type="button" disabled={busy} onClick={() => void resumeSending()}>
                Resume sending
              </button>
            </p>
          )}
          <p>
            Replies: {assistant?.mailbox_configured
              ? `read from the IMAP mailbox${inboundWebhook ? ', and accepted through the inbound-mail webhook' : ''}`
              : inboundWebhook
                ? 'no IMAP mailbox; they arrive through the inbound-mail webhook (POST /webhooks/inbound)'
                : 'not read: set the IMAP mailbox below, or turn on the inbound-mail webhook (INBOUND_WEBHOOK_TOKEN)'}{' '}
            <button type="button" disabled={busy || !connected} onClick={() => void showMailbox()}>
              Check mailbox
            </button>
          </p>
          {mailbox?.lastError && <p class="notice error">Last read failed: {mailbox.lastError}</p>}
          <form aria-label="Mailbox" onSubmit={(event) => {
            event.preventDefault();
            void saveMailbox();
          }}>
            <div class="row">
              <label>
                IMAP server
                <input required value={mailboxForm.host} placeholder="imap.example.com" onInput={(event) => {
                  const value = event.currentTarget.value;
                  setMailboxForm((current) => ({ ...current, host: value }));
                }} />
              </label>
              <label>
                Port
                <input required inputMode="numeric" size={5} value={mailboxForm.port} onInput={(event) => {
                  const value = event.currentTarget.value;
                  setMailboxForm((current) => ({ ...current, port: value }));
                }} />
              </label>
              <label class="inline">
                <input type="checkbox" checked={mailboxForm.secure} onChange={(event) => {
                  const checked = event.currentTarget.checked;
                  setMailboxForm((current) => ({ ...current, secure: checked }));
                }} /> TLS
              </label>
            </div>
            <div class="row">
              <label>
                User
                <input required value={mailboxForm.user} autoComplete="off" onInput={(event) => {
                  const value = event.currentTarget.value;
                  setMailboxForm((current) => ({ ...current, user: value }));
                }} />
              </label>
              <label>
                Password
                <input required type="password" value={mailboxForm.password} autoComplete="new-password" onInput={(event) => {
                  const value = event.currentTarget.value;
                  setMailboxForm((current) => ({ ...current, password: value }));
                }} />
              </label>
            </div>
            <button type="submit" disabled={busy || !connected}>
              Save mailbox
            </button>
          </form>
        </>
      )}

      <h3>Teach your assistant</h3>
      <p class="muted">A reply containing one of these phrases is read as its meaning, before the built-in rules.</p>
      <ul>
        {phrases.map((phrase) => (
          <li>
            "{phrase.phrase}" → {intentLabel(phrase.intent)}{' '}
            <button type="button" disabled={busy} aria-label={`Forget ${phrase.phrase}`} onClick={() => void forget(phrase)}>
              Forget
            </button>
          </li>
        ))}
      </ul>
      <form aria-label="Teach" class="row" onSubmit={(event) => {
        event.preventDefault();
        void teach();
      }}>
        <label>
          Phrase
          <input required minLength={3} value={phraseForm.phrase} onInput={(event) => {
            const value = event.currentTarget.value;
            setPhraseForm((current) => ({ ...current, phrase: value }));
          }} />
        </label>
        <label>
          Means
          <select value={phraseForm.intent} onChange={(event) => {
            const value = event.currentTarget.value;
            setPhraseForm((current) => ({ ...current, intent: value }));
          }}>
            {CORRECTABLE_INTENTS.map((intent) => (
              <option value={intent}>{intentLabel(intent)}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy || !connected}>
          Teach
        </button>
      </form>

      <h3>Recent replies</h3>
      <p class="muted">How the assistant read each reply. Correct a misreading: what it did is undone where that is safe, and similar replies are read your way from then on.</p>
      <button type="button" disabled={busy || !connected} onClick={() => void loadRecent()}>
        Show recent replies
      </button>
      {recent && (
        <ul aria-label="Recent replies">
          {recent.map((row) => (
            <li>
              {when(row.received_at)}: {row.from_address ?? 'unknown sender'}, "{row.subject}": <strong>{intentLabel(row.intent)}</strong>
              {row.corrected_from ? ` (corrected from ${intentLabel(row.corrected_from)})` : row.decision?.startsWith('unclear') ? ` (${row.decision})` : ''}{' '}
              <select aria-label={`What "${row.subject}" was`} value={corrections[row.id] ?? ''} onChange={(event) => {
                const value = event.currentTarget.value;
                setCorrections((current) => ({ ...current, [row.id]: value }));
              }}>
                <option value="">This was…</option>
                {CORRECTABLE_INTENTS.filter((intent) => intent !== row.intent).map((intent) => (
                  <option value={intent}>{intentLabel(intent)}</option>
                ))}
              </select>{' '}
              <button type="button" disabled={busy || !corrections[row.id]} onClick={() => void correct(row)}>
                Correct
              </button>
            </li>
          ))}
        </ul>
      )}

      <h3>Mail that matched no lead</h3>
      <button type="button" disabled={busy || !connected} onClick={() => void loadUnmatched()}>
        Show unmatched mail
      </button>
      {unmatched && (
        <ul>
          {unmatched.map((row) => (
            <li>
              {when(row.received_at)}: {row.from_address ?? 'unknown sender'}, "{row.subject}" ({intentLabel(row.intent)})
            </li>
          ))}
        </ul>
      )}

      <h3>Suppression list</h3>
      <button type="button" disabled={busy || !connected} onClick={() => void loadSuppressions()}>
        Show suppressed addresses
      </button>
      {suppressions && (
        <ul>
          {suppressions.map((row) => (
            <li>
              {row.email} ({row.reason.replace('_', ' ')}, {when(row.created_at)}){' '}
              <button type="button" disabled={busy} aria-label={`Allow ${row.email}`} onClick={() => void removeSuppression(row.email)}>
                Allow again
              </button>
            </li>
          ))}
        </ul>
      )}
      <form aria-label="Suppress" class="row" onSubmit={(event) => {
        event.preventDefault();
        void addSuppression();
      }}>
        <label>
          Never email
          <input required type="email" value={blocked} onInput={(event) => setBlocked(event.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy || !connected}>
          Suppress
        </button>
      </form>
    </section>
  );
}
