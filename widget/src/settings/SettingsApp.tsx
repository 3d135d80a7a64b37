import { useEffect, useState } from 'preact/hooks';
import type { AssistantView, CrmDetailsAnswer, CrmDetailsStatus, SequenceView } from '../../../server/src/contract/settings.js';
import { type Backend, BackendError } from '../shared/backend.js';
import { AssistantsPanel } from './AssistantsPanel.js';
import { ConnectorPanel } from './ConnectorPanel.js';
import { DraftsPanel } from './DraftsPanel.js';
import { RepliesPanel } from './RepliesPanel.js';
import { SendPlanPanel } from './SendPlanPanel.js';
import { SequencesPanel } from './SequencesPanel.js';
import { SettingsProvider, type SettingsStore, messageOf } from './store.js';

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

const LABELS: Record<CrmDetailsStatus, string> = {
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
  const [details, setDetails] = useState<CrmDetailsAnswer | null>(null);
  const [assistants, setAssistants] = useState<AssistantView[]>([]);
  const [sequences, setSequences] = useState<SequenceView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);

  /** CRM Details (counted from our own leads, so current without asking Zoho), the assistants and the sequences. */
  const load = async () => {
    if (!backend) return;
    const [crm, assistantList, sequenceList] = await Promise.all([
      backend.get<CrmDetailsAnswer>('/crm-details'),
      backend.get<{ assistants: AssistantView[] }>('/assistants'),
      backend.get<{ sequences: SequenceView[] }>('/sequences'),
    ]);
    setDetails(crm);
    setAssistants(assistantList.assistants);
    setSequences(sequenceList.sequences);
  };

  useEffect(() => {
    load().catch((caught: unknown) => setError(`The settings could not be loaded: ${messageOf(caught)} Reload the tab to try again.`));
  }, []);

  /**
   * Runs an administrator's action, signing in first when needed; a session the backend no longer
   * accepts (expired, or signed out elsewhere) is forgotten and signed in again once. A sign-in that
   * ends without a session (closed, declined, not an administrator) says so and leaves the page usable.
   */
  const asAdmin = async (action: () => Promise<string>, onFailure: (error: unknown) => string | null = messageOf): Promise<boolean> => {
    setBusy(true);
    setNotice(null);
    setError(null);
    setProgress(isAdmin() ? null : 'Signing in: finish in the Zoho window that opened…');
    let signedIn = isAdmin();
    try {
      if (!signedIn) await signIn();
      signedIn = true;
      setSignedInAs(adminEmail());
      setProgress(null);
      try {
        setNotice(await action());
      } catch (caught) {
        if (!(caught instanceof BackendError && caught.status === 403 && caught.code === 'FORBIDDEN')) throw caught;
        signOut();
        setSignedInAs(null);
        signedIn = false;
        setProgress('Your administrator session ended: signing in again…');
        await signIn();
        signedIn = true;
        setSignedInAs(adminEmail());
        setProgress(null);
        setNotice(await action());
      }
      return true;
    } catch (caught) {
      // A failed sign-in is the page's to say; a failed action is the form's first (its fields).
      setError(signedIn ? onFailure(caught) : messageOf(caught));
      return false;
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
      setDetails(await backend.post<CrmDetailsAnswer>('/crm-details/refresh'));
      return 'CRM Details refreshed from Zoho.';
    });

  const disconnect = () =>
    asAdmin(async () => {
      await backend.post('/org/disconnect');
      await load();
      return 'Disconnected: the assistant no longer reaches your Zoho CRM. Authorize again to resume.';
    });

  const org = details?.org;
  const connected = org?.authorization === 'active';
  const store: SettingsStore = { backend, busy, connected, details, assistants, sequences, reload: load, asAdmin };
  return (
    <SettingsProvider store={store}>
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

      <AssistantsPanel />

      <SequencesPanel />

      <DraftsPanel />

      <SendPlanPanel />

      <RepliesPanel />

      <ConnectorPanel />

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
    </SettingsProvider>
  );
}
