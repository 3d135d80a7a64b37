import { useEffect, useState } from 'preact/hooks';
import type { SendPlanAnswer } from '../../../server/src/contract/settings.js';
import { messageOf, useSettings } from './store.js';

// (dateStyle cannot be combined with weekday: the parts are named one by one.)
const when = (iso: string) => new Date(iso).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const WAITED: Record<SendPlanAnswer['emails'][number]['waited'][number], string> = {
  'sending hours': 'waits for sending hours',
  'daily cap': 'waits for a day under the daily limit',
  'a pause': 'after the pause',
};

/**
 * The send plan: who gets which email when in the next 14 days, after sending hours, off days, the
 * lead's time zone, the daily limit, pauses and suppression — and the leads that get none, with why.
 */
export function SendPlanPanel() {
  const { backend, connected } = useSettings();
  const [plan, setPlan] = useState<SendPlanAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    backend
      .get<SendPlanAnswer>('/send-plan?days=14')
      .then((answer) => {
        // A backend of another release may not know the plan: say so rather than draw half a table.
        if (!Array.isArray(answer?.emails) || !Array.isArray(answer?.held)) throw new Error('this backend does not answer with a send plan; update it');
        setPlan(answer);
        setError(null);
      })
      .catch((caught: unknown) => setError(`The send plan could not be loaded: ${messageOf(caught)}`));

  useEffect(() => {
    if (connected) void load();
  }, [connected]);

  return (
    <section aria-label="Send plan">
      <h2>Send plan</h2>
      <p class="muted">The next 14 days, email by email, in your time: sending hours, off days, each lead's time zone, the daily limit, pauses, approvals and the suppression list are applied.</p>
      <div class="row">
        <button type="button" disabled={!connected} onClick={() => void load()}>
          Update plan
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      {plan &&
        (plan.emails.length === 0 ? (
          <p class="muted">Nothing is planned for the next 14 days.</p>
        ) : (
          <table class="details" aria-label="Emails planned for the next 14 days">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Lead</th>
                <th scope="col">Email</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {plan.emails.map((email) => (
                <tr key={`${email.lead_id}:${email.step}`}>
                  <td>{when(email.at)}</td>
                  <td>
                    {email.name ?? email.email ?? 'Unnamed lead'}
                    {email.name && email.email && <div class="muted">{email.email}</div>}
                  </td>
                  <td>
                    {email.step} of {email.of}, from {email.assistant}
                  </td>
                  <td>{[...(email.draft ? ['written as a draft: goes once approved'] : []), ...email.waited.map((reason) => WAITED[reason])].join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {plan && plan.held.length > 0 && (
        <>
          <h3>Getting nothing</h3>
          <ul>
            {plan.held.map((lead) => (
              <li key={lead.lead_id}>
                {lead.name ?? lead.email ?? 'Unnamed lead'}: {lead.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
