import { useEffect, useState } from 'preact/hooks';
import { type Backend, BackendError } from '../shared/backend.js';
import { ConnectorPanel } from './ConnectorPanel.js';
import { RepliesPanel } from './RepliesPanel.js';

export type CrmStatus = 'ASSISTANT_NOT_YET_CREATED' | 'ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM' | 'ASSISTANT_EXISTS_AS_USER_IN_CRM' | 'ALL_WORKING_WELL';

export interface OrgHealth {
  name: string;
  authorization: 'active' | 'expired' | 'revoked' | 'disconnected' | string;
  authorizationProblem: string | null;
  dataCentre: string;
  authorizedBy: string | null;
  authorizedAt: string | null;
  notificationChannel: { expiresAt: string | null; expired: boolean } | null;
  lastNotificationAt: string | null;
  unconfirmedEmails?: { leadId: string; name: string; to: string; subject: string; at: string | null }[];
  /** Replies can arrive through the inbound-mail webhook. */
  inboundWebhook?: boolean;
}

export interface AssistantDetails {
  assistantId: string | null;
  name: string | null;
  email: string | null;
  status: CrmStatus;
  meaning: string;
  action: string;
  ownedRecords: number | null;
  /** From our own leads: records worked now, and in total. */
  records?: { working: number; total: number };
  checkedAt: string | null;
}

interface CrmDetails {
  org: OrgHealth;
  assistants: AssistantDetails[];
}

interface Sequence {
  id: string;
  name: string;
  is_default?: boolean;
  steps: { after_days: number }[];
}

export interface SettingsProps {
  /** Null until the org is connected (no widget key in Zoho yet). */
  backend: Backend | null;
  /** Where "Authorize" sends the administrator (our backend's OAuth start), or null if unknown. */
  authorizeUrl: string | null;
  /** Signs the current Zoho user in as an administrator of our backend (a popup); answers once done. */
  signIn: () => Promise<void>;
  /** Whether an administrator session is held. */
  isAdmin: () => boolean;
  /** Who is signed in as administrator, if anyone. */
  adminEmail?: () => string | null;
  /** Forgets the administrator session. */
  signOut?: () => void;
  openWindow: (url: string) => void;
}

const LABELS: Record<CrmStatus, string> = {
  ASSISTANT_NOT_YET_CREATED: 'Not yet created',
  ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM: 'Not a Zoho user',
  ASSISTANT_EXISTS_AS_USER_IN_CRM: 'Ready',
  ALL_WORKING_WELL: 'All working well',
};

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

/**
 * The settings web tab: the connection to Zoho (Authorize / Re-authorize / Disconnect), CRM Details
 * per assistant with what each status means and what to do (Refresh), the assistants (create) and
 * sequences, and the org's health.
 */
export function SettingsApp({ backend, authorizeUrl, signIn, isAdmin, adminEmail = () => null, signOut = () => undefined, openWindow }: SettingsProps) {
  const [signedInAs, setSignedInAs] = useState<string | null>(adminEmail());
  const [details, setDetails] = useState<CrmDetails | null>(null);
  const [sequences, setSequences] = useState<Sequence[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);
  const [form, setForm] = useState({ name: '', mailbox_email: '', default_context: '' });
  const [sequenceForm, setSequenceForm] = useState({ name: '', days: '0, 3, 5, 7', isDefault: false });

  const load = async () => {
    if (!backend) return;
    try {
      const [crm, list] = await Promise.all([backend.get<CrmDetails>('/crm-details'), backend.get<{ sequences: Sequence[] }>('/sequences')]);
      setDetails(crm);
      setSequences(list.sequences);
      setError(null);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  /**
   * Runs an administrator's action, signing in first when needed; a session the backend no longer
   * accepts (expired, or signed out elsewhere) is forgotten and signed in again once. A sign-in that
   * ends without a session (closed, declined, not an administrator) says so and leaves the page usable.
   */
  const asAdmin = async (action: () => Promise<string>) => {
    setBusy(true);
    setNotice(null);
    setError(null);
    setProgress(isAdmin() ? null : 'Signing in: finish in the Zoho window that opened…');
    try {
      if (!isAdmin()) await signIn();
      setSignedInAs(adminEmail());
      setProgress(null);
      try {
        setNotice(await action());
      } catch (caught) {
        if (!(caught instanceof BackendError && caught.status === 403 && caught.code === 'FORBIDDEN')) throw caught;
        signOut();
        setSignedInAs(null);
        setProgress('Your administrator session ended: signing in again…');
        await signIn();
        setSignedInAs(adminEmail());
        setProgress(null);
        setNotice(await action());
      }
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  if (!backend) {
    return (
      <main class="settings">
        <h1>Sales assistant</h1>
        <section aria-label="Connection">
          <h2>Connection</h2>
          <p>Not connected to Zoho CRM yet. A Zoho CRM administrator authorizes the assistant's server once; it works in every Zoho data centre.</p>
          {authorizeUrl ? (
            <button type="button" class="primary" onClick={() => openWindow(authorizeUrl)}>
              Authorize
            </button>
          ) : (
            <p role="alert" class="notice error">
              The assistant's server address is not known: open this tab from the server's own address once, or ask whoever runs it.
            </p>
          )}
          <p class="muted">After authorizing, reload this tab.</p>
        </section>
      </main>
    );
  }

  const refresh = () =>
    asAdmin(async () => {
      const crm = await backend.post<CrmDetails>('/crm-details/refresh');
      setDetails(crm);
      return 'CRM Details refreshed from Zoho.';
    });

  const disconnect = () =>
    asAdmin(async () => {
      await backend.post('/org/disconnect');
      await load();
      return 'Disconnected: the assistant no longer reaches your Zoho CRM. Authorize again to resume.';
    });

  const createAssistant = () =>
    asAdmin(async () => {
      await backend.post('/assistants', form);
      setForm({ name: '', mailbox_email: '', default_context: '' });
      const crm = await backend.post<CrmDetails>('/crm-details/refresh');
      setDetails(crm);
      return `Assistant ${form.name} created.`;
    });

  const reloadSequences = async () => setSequences((await backend.get<{ sequences: Sequence[] }>('/sequences')).sequences);

  const createSequence = () =>
    asAdmin(async () => {
      const days = sequenceForm.days.split(',').map((part) => part.trim());
      if (days.some((day) => !/^\d{1,3}$/.test(day))) throw new Error('Days between emails: whole numbers separated by commas, e.g. 0, 3, 5, 7.');
      await backend.post('/sequences', { name: sequenceForm.name, steps: days.map((day) => ({ after_days: Number(day) })), is_default: sequenceForm.isDefault });
      await reloadSequences();
      setSequenceForm({ name: '', days: '0, 3, 5, 7', isDefault: false });
      return `Sequence ${sequenceForm.name} created.`;
    });

  const deleteSequence = (sequence: Sequence) =>
    asAdmin(async () => {
      await backend.delete(`/sequences/${sequence.id}`);
      await reloadSequences();
      return `Sequence ${sequence.name} deleted.`;
    });

  const org = details?.org;
  const connected = org?.authorization === 'active';
  return (
    <main class="settings" aria-busy={busy}>
      <header class="row">
        <h1>Sales assistant</h1>
        {signedInAs && (
          <p class="muted">
            Signed in as {signedInAs} ·{' '}
            <button
              type="button"
              class="link"
              onClick={() => {
                signOut();
                setSignedInAs(null);
                setNotice('Signed out: the next administrator action asks you to sign in.');
              }}
            >
              Sign out
            </button>
          </p>
        )}
      </header>
      {progress && (
        <p role="status" class="notice">
          {progress}
        </p>
      )}
      {error && (
        <p role="alert" class="notice error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}

      <section aria-label="Connection">
        <h2>Connection</h2>
        {!org ? (
          <p class="muted">Loading…</p>
        ) : connected ? (
          <p>
            Connected to <strong>{org.name}</strong> ({org.dataCentre.toUpperCase()} data centre) by {org.authorizedBy ?? 'an administrator'} on {when(org.authorizedAt)}.
          </p>
        ) : (
          <p class="notice error">
            Not connected ({org.authorization}
            {org.authorizationProblem ? `: ${org.authorizationProblem}` : ''}). Authorize again to resume.
          </p>
        )}
        <div class="row">
          {authorizeUrl && (
            <button type="button" class={connected ? '' : 'primary'} onClick={() => openWindow(authorizeUrl)}>
              {connected ? 'Re-authorize' : 'Authorize'}
            </button>
          )}
          {connected && (
            <button type="button" disabled={busy} onClick={() => void disconnect()}>
              Disconnect
            </button>
          )}
        </div>
      </section>

      <section aria-label="CRM Details">
        <div class="row">
          <h2>CRM Details</h2>
          <button type="button" disabled={busy || !connected} onClick={() => void refresh()}>
            Refresh
          </button>
        </div>
        <table class="details">
          <thead>
            <tr>
              <th scope="col">Assistant</th>
              <th scope="col">CRM status</th>
              <th scope="col">What it means</th>
              <th scope="col">What to do</th>
              <th scope="col">Records worked</th>
            </tr>
          </thead>
          <tbody>
            {(details?.assistants ?? []).map((assistant) => (
              <tr data-status={assistant.status}>
                <td>
                  {assistant.name ?? '—'}
                  {assistant.email && <div class="muted">{assistant.email}</div>}
                </td>
                <td>
                  <span class={`badge ${assistant.status}`}>{LABELS[assistant.status]}</span>
                </td>
                <td>{assistant.meaning}</td>
                <td>{assistant.action}</td>
                <td>{assistant.records ? `${assistant.records.working} now, ${assistant.records.total} in total` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-label="Assistants">
        <h2>New assistant</h2>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void createAssistant();
          }}
        >
          <label>
            Name
            <input required value={form.name} onInput={(event) => {
              const value = event.currentTarget.value;
              setForm((current) => ({ ...current, name: value }));
            }} />
          </label>
          <label>
            Mailbox email (the assistant's Zoho user has the same address)
            <input required type="email" value={form.mailbox_email} onInput={(event) => {
              const value = event.currentTarget.value;
              setForm((current) => ({ ...current, mailbox_email: value }));
            }} />
          </label>
          <label>
            Default context
            <textarea required rows={3} value={form.default_context} onInput={(event) => {
              const value = event.currentTarget.value;
              setForm((current) => ({ ...current, default_context: value }));
            }} />
          </label>
          <button type="submit" class="primary" disabled={busy || !connected}>
            Create assistant
          </button>
        </form>
      </section>

      <section aria-label="Sequences">
        <h2>Sequences</h2>
        <ul>
          {sequences.map((sequence) => (
            <li>
              {sequence.name}: {sequence.steps.length} emails over {sequence.steps.reduce((days, step) => days + step.after_days, 0)} days{sequence.is_default ? ' (default)' : ''}{' '}
              {!sequence.is_default && (
                <button type="button" disabled={busy} aria-label={`Delete sequence ${sequence.name}`} onClick={() => void deleteSequence(sequence)}>
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void createSequence();
          }}
        >
          <label>
            Sequence name
            <input required value={sequenceForm.name} onInput={(event) => {
              const value = event.currentTarget.value;
              setSequenceForm((current) => ({ ...current, name: value }));
            }} />
          </label>
          <label>
            Days before each email (the first counts from assignment)
            <input required value={sequenceForm.days} onInput={(event) => {
              const value = event.currentTarget.value;
              setSequenceForm((current) => ({ ...current, days: value }));
            }} />
          </label>
          <label class="inline">
            <input type="checkbox" checked={sequenceForm.isDefault} onChange={(event) => {
              const checked = event.currentTarget.checked;
              setSequenceForm((current) => ({ ...current, isDefault: checked }));
            }} /> The org's default sequence
          </label>
          <button type="submit" disabled={busy || !connected}>
            Create sequence
          </button>
        </form>
      </section>

      <RepliesPanel backend={backend} busy={busy} connected={connected} asAdmin={asAdmin} inboundWebhook={details?.org.inboundWebhook ?? false} />

      <ConnectorPanel backend={backend} busy={busy} connected={connected} asAdmin={asAdmin} />

      {org && (
        <section aria-label="Health">
          <h2>Health</h2>
          <dl class="facts">
            <dt>Notifications</dt>
            <dd>{org.notificationChannel ? (org.notificationChannel.expired ? 'Channel expired: press Refresh or authorize again' : `Subscribed until ${when(org.notificationChannel.expiresAt)}`) : 'Not subscribed: polling every 10 minutes'}</dd>
            <dt>Last notification</dt>
            <dd>{when(org.lastNotificationAt)}</dd>
          </dl>
          {org.unconfirmedEmails && org.unconfirmedEmails.length > 0 && (
            <>
              <h3>Emails that may not have been sent</h3>
              <p class="muted">The backend stopped while handing these to the mail server. They were not sent again; check the assistant's Sent folder and send by hand any that are missing.</p>
              <ul aria-label="Emails that may not have been sent">
                {org.unconfirmedEmails.map((email) => (
                  <li>
                    {email.name} ({email.to}): "{email.subject}", {when(email.at)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
    </main>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
