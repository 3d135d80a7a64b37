import { useEffect, useState } from 'preact/hooks';
import type { Backend } from '../shared/backend.js';
import { useHost } from '../shared/context.js';

interface Lead {
  id: string;
  status: string;
  state: string;
  step: { sent: number; total: number };
  nextSendAt: string | null;
  lastSentAt: string | null;
  assistant: { name: string } | null;
}

type View = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; module: string; recordId: string; lead: Lead | null };

/** The record widget: the assistant's status for this record, with the actions a salesperson needs. */
export function RecordWidget({ backend }: { backend: Backend }) {
  const host = useHost();
  const [view, setView] = useState<View>({ kind: 'loading' });

  const load = async () => {
    try {
      const context = await host.context();
      if (!context.recordId) throw new Error('Open this widget on a Lead, Contact or Deal.');
      const lead = await backend.get<Lead>(`/leads/by-record/${context.module}/${context.recordId}`).catch((error: { status?: number }) => {
        if (error.status === 404) return null;
        throw error;
      });
      setView({ kind: 'ready', module: context.module, recordId: context.recordId, lead });
    } catch (error) {
      setView({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  };

  useEffect(() => {
    void load();
  }, []);

  if (view.kind === 'loading') return <p role="status">Loading the assistant…</p>;
  if (view.kind === 'error') return <p role="alert">{view.message}</p>;
  if (!view.lead) return <p>The assistant is not working on this record. Assign it to the assistant's Zoho user to start.</p>;
  const { lead } = view;
  const act = async (action: string) => {
    await backend.post(`/leads/${lead.id}/${action}`);
    await load();
  };
  return (
    <section aria-label="Sales assistant">
      <h2>{lead.assistant?.name ?? 'Assistant'}</h2>
      <p>
        State: <strong>{lead.state}</strong> · email {lead.step.sent} of {lead.step.total}
      </p>
      {lead.nextSendAt && <p>Next email: {new Date(lead.nextSendAt).toLocaleString()}</p>}
      <div>
        {lead.status === 'active' && <button onClick={() => void act('pause')}>Pause</button>}
        {lead.status === 'paused' && <button onClick={() => void act('resume')}>Resume</button>}
        {(lead.status === 'active' || lead.status === 'paused') && <button onClick={() => void act('hand-back')}>Hand back now</button>}
      </div>
    </section>
  );
}
