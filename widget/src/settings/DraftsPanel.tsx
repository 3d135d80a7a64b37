import { useEffect, useState } from 'preact/hooks';
import type { DraftsAnswer } from '../../../server/src/contract/record-widget.js';
import { DraftEditor } from '../shared/DraftEditor.js';
import { messageOf, useSettings } from './store.js';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/**
 * Drafts: the emails waiting for approval (assistants set to approve the first or every email),
 * oldest first. Open one to read and edit it, then approve or skip it; what was decided is a note
 * on the record in Zoho.
 */
export function DraftsPanel() {
  const { backend, connected } = useSettings();
  const [drafts, setDrafts] = useState<DraftsAnswer['drafts'] | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = () =>
    backend
      .get<DraftsAnswer>('/drafts')
      .then((answer) => {
        if (!Array.isArray(answer?.drafts)) throw new Error('this backend does not answer with drafts; update it');
        setDrafts(answer.drafts);
        setError(null);
      })
      .catch((caught: unknown) => setError(`The drafts could not be loaded: ${messageOf(caught)}`));

  useEffect(() => {
    if (connected) void load();
  }, [connected]);

  const opened = drafts?.find((draft) => draft.id === open);
  return (
    <section aria-label="Drafts">
      <h2>Drafts</h2>
      <p class="muted">Emails waiting for a person's approval, for assistants set to approve the first or every email. Nothing here is sent until it is approved.</p>
      <div class="row">
        <button type="button" disabled={!connected} onClick={() => void load()}>
          Update drafts
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
      {drafts &&
        (drafts.length === 0 ? (
          <p class="muted">No drafts are waiting.</p>
        ) : (
          <table class="details" aria-label="Drafts waiting for approval">
            <thead>
              <tr>
                <th scope="col">Lead</th>
                <th scope="col">Email</th>
                <th scope="col">Subject</th>
                <th scope="col">Handed back unsent</th>
                <th scope="col">
                  <span class="muted">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((draft) => (
                <tr key={draft.id}>
                  <td>
                    {draft.name ?? draft.to}
                    {draft.company && <div class="muted">{draft.company}</div>}
                  </td>
                  <td>
                    {draft.step} of {draft.of}
                    {draft.assistant && <div class="muted">from {draft.assistant}</div>}
                  </td>
                  <td>{draft.subject}</td>
                  <td>{when(draft.expiresAt)}</td>
                  <td>
                    <button type="button" class="link" aria-expanded={open === draft.id} aria-label={`Review the draft to ${draft.name ?? draft.to}`} onClick={() => setOpen(open === draft.id ? null : draft.id)}>
                      {open === draft.id ? 'Close' : 'Review'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {opened && (
        <DraftEditor
          key={opened.id}
          draft={opened}
          backend={backend}
          label={`Draft to ${opened.name ?? opened.to}`}
          done={async (message) => {
            setOpen(null);
            setNotice(message);
            await load();
          }}
        />
      )}
    </section>
  );
}
