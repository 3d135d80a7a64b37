import { type Assistant, getAssistant, listAssistants, setAssistantArchived } from '../db/assistants.js';
import { type Lead, listLeads, lockLead, addLeadEvent } from '../db/leads.js';
import type { SequenceStep } from '../db/sequences.js';
import { transaction } from '../db/store.js';
import type { ComposedEmail } from './composer.js';
import type { EngineDeps } from './context.js';
import { queueHandback } from './effects.js';

/** How many of an archived assistant's records are handed back per transaction. */
const HANDBACK_BATCH = 200;

/**
 * Archives an assistant: it takes no new records (intake hands them straight back) and every
 * record it is working goes back to its owner with a note. Its history stays. Answers the number
 * of records handed back, or undefined when there is no such assistant.
 */
export async function archiveAssistant(deps: EngineDeps, orgId: string, assistantId: string): Promise<number | undefined> {
  const now = deps.clock.now();
  const assistant = await setAssistantArchived(deps.db, orgId, assistantId, now, now);
  if (!assistant) return undefined;
  let handedBack = 0;
  for (const status of ['active', 'paused'] as const) {
    for (;;) {
      const batch = await listLeads(deps.db, orgId, { assistantId, status, limit: HANDBACK_BATCH, offset: 0 });
      const fresh = await handBackArchived(deps, assistant, batch, now);
      handedBack += fresh;
      // A lead whose handback is queued stays active until the job runs: stop once a batch adds none.
      if (batch.length < HANDBACK_BATCH || fresh === 0) break;
    }
  }
  return handedBack;
}

async function handBackArchived(deps: EngineDeps, assistant: Assistant, leads: Lead[], now: number): Promise<number> {
  return transaction(deps.db, async (tx) => {
    let queued = 0;
    for (const given of leads) {
      const lead = await lockLead(tx, given.org_id, given.id);
      if (!lead || (lead.status !== 'active' && lead.status !== 'paused')) continue;
      await addLeadEvent(tx, lead, 'assistant_archived', { assistant: assistant.name }, now);
      await queueHandback({ ...deps, db: tx }, lead, `${assistant.name} was archived by an administrator, so it stopped working this record.`, lead.next_step > 0 ? 'Processed' : 'New', now, now);
      queued += 1;
    }
    return queued;
  });
}

/** Takes an archived assistant back into service; records assigned from now on are worked again. */
export async function unarchiveAssistant(deps: EngineDeps, orgId: string, assistantId: string): Promise<Assistant | undefined> {
  return setAssistantArchived(deps.db, orgId, assistantId, null, deps.clock.now());
}

/** The person a preview is written to: a sample, so no real lead's data is needed to see a step. */
export const PREVIEW_LEAD = { first_name: 'Alex', last_name: 'Morgan', company: 'Morgan Industries' };

/**
 * The email a step would send, written by the configured composer for a sample lead with the
 * assistant's default context, framed with its signature and footer exactly as sent.
 */
export async function previewStep(
  deps: EngineDeps,
  orgId: string,
  input: { assistantId?: string; step: SequenceStep; stepIndex: number; stepsTotal: number },
): Promise<(ComposedEmail & { sample: { name: string; company: string; assistant: string } }) | undefined> {
  const assistant = input.assistantId ? await getAssistant(deps.db, orgId, input.assistantId) : (await listAssistants(deps.db, orgId))[0];
  if (!assistant) return undefined;
  const composed = await deps.composer.compose({
    lead: { ...PREVIEW_LEAD, context: assistant.default_context },
    assistant,
    step: input.step,
    stepIndex: input.stepIndex,
    stepsTotal: input.stepsTotal,
    unsubscribeUrl: `${deps.publicUrl()}/unsubscribe/preview`,
  });
  return { ...composed, sample: { name: `${PREVIEW_LEAD.first_name} ${PREVIEW_LEAD.last_name}`, company: PREVIEW_LEAD.company, assistant: assistant.name } };
}
