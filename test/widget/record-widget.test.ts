// @vitest-environment happy-dom
import { h, render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Host, HostRecord } from '../../widget/src/host/host.js';
import { type LeadView, RecordWidget, type RecordWidgetData } from '../../widget/src/record/RecordWidget.js';
import { type Backend, BackendError } from '../../widget/src/shared/backend.js';
import { HostContext } from '../../widget/src/shared/context.js';

/** A host as the record page would be: one Contact, its fields, and the org's users. */
function fakeHost(record: HostRecord, recordId: string | null = record.id) {
  const updates: Record<string, unknown>[] = [];
  const host: Host = {
    context: async () => ({ module: 'Contacts', recordId }),
    currentUser: async () => ({ id: '1', email: 'sam@acme.test', fullName: 'Sam Sales' }),
    orgVariable: async () => 'key',
    getRecord: async () => structuredClone(record),
    updateRecord: async (_module, _id, fields) => {
      updates.push(fields);
      Object.assign(record.fields, fields);
    },
    users: async () => [{ id: '900', email: 'nova@assist.test', fullName: 'Nova Assistant' }],
    resize: async () => undefined,
  };
  return { host, updates };
}

const baseData = (): RecordWidgetData => ({
  fields: { context: 'X7_Context', sequence: 'X7_Sequence' },
  assistants: [{ id: 'a1', name: 'Nova', mailboxEmail: 'nova@assist.test', zohoUserId: null, defaultSequenceId: null }],
  sequences: [{ id: 's1', name: 'Recommended', steps: 4 }],
  lead: null,
  draft: null,
  events: [],
});

const activeLead: LeadView = {
  id: 'lead-1',
  zohoModule: 'Leads',
  zohoRecordId: '5725713000000001001',
  email: 'jane@initech.example',
  name: 'Jane Doe',
  company: 'Initech',
  context: null,
  closedAt: null,
  handbackAt: null,
  handingBack: false,
  createdAt: '2026-11-21T09:00:00.000Z',
  status: 'active',
  state: 'New',
  step: { sent: 0, total: 4 },
  nextSendAt: '2026-11-23T14:00:00.000Z',
  lastSentAt: null,
  lastReply: null,
  resumeAt: null,
  closeReason: null,
  previousOwner: 'Sam Sales',
  assistant: { id: 'a1', name: 'Nova' },
  sequence: { id: 's1', name: 'Recommended' },
};

function fakeBackend(answer: () => RecordWidgetData | Error) {
  const posts: string[] = [];
  const backend: Backend = {
    get: async <T,>() => {
      const value = answer();
      if (value instanceof Error) throw value;
      return structuredClone(value) as T;
    },
    post: async <T,>(path: string, body?: unknown) => {
      posts.push(body === undefined ? path : `${path} ${JSON.stringify(body)}`);
      return {} as T;
    },
    put: async <T,>() => ({}) as T,
    delete: async <T,>(path: string) => {
      posts.push(`DELETE ${path}`);
      return {} as T;
    },
  };
  return { backend, posts };
}

let root: HTMLElement;
/** The widget's waits (polling, watching an assignment) as a few milliseconds: the fake backend answers at once. */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
function mount(host: Host, backend: Backend) {
  root = document.createElement('main');
  document.body.append(root);
  render(h(HostContext.Provider, { value: host }, h(RecordWidget, { backend, wait: tick })), root);
}

afterEach(() => {
  render(null, root);
  root.remove();
});

const text = () => root.textContent ?? '';
const button = (label: string) => [...root.querySelectorAll('button')].find((element) => element.textContent?.trim().startsWith(label));

describe('the record widget against a fake host', () => {
  it('shows the context and, with no lead, assigns the record to the assistant and shows the lead appear', async () => {
    const record: HostRecord = { id: '42', ownerId: '1', ownerName: 'Sam Sales', fields: { X7_Context: 'Met at the Hannover fair.' } };
    const { host, updates } = fakeHost(record);
    let data = baseData();
    const { backend } = fakeBackend(() => data);
    mount(host, backend);

    await vi.waitFor(() => expect(text()).toContain('not working on this record'));
    expect(root.querySelector('textarea')!.value).toBe('Met at the Hannover fair.');
    expect(button('Assign to Nova')).toBeDefined();

    // The owner change reaches the assistant; the next read has the lead.
    host.updateRecord = async (module, id, fields) => {
      updates.push(fields);
      data = { ...data, lead: activeLead, events: [{ at: '2026-11-21T10:00:00.000Z', kind: 'assigned' }] };
    };
    button('Assign to Nova')!.click();
    await vi.waitFor(() => expect(text()).toContain('Nova is working this record.'));
    // The assistant had no known Zoho user: the widget matched its mailbox among the org's users.
    expect(updates).toEqual([{ Owner: { id: '900' } }]);
    expect(text()).toContain('Working this record');
    expect(text()).toContain('0 of 4 (Recommended)');
    expect(text()).toContain('Took the record');
    expect(button('Pause')).toBeDefined();
    expect(button('Assign')).toBeUndefined();
  });

  it('saves an edited context to the record through the host', async () => {
    const record: HostRecord = { id: '42', ownerId: '1', ownerName: 'Sam Sales', fields: { X7_Context: '' } };
    const { host, updates } = fakeHost(record);
    const { backend } = fakeBackend(baseData);
    mount(host, backend);
    await vi.waitFor(() => expect(root.querySelector('textarea')).not.toBeNull());
    expect(button('Save context')!.disabled).toBe(true);

    const area = root.querySelector('textarea')!;
    area.value = 'Wants a pilot in Q1.';
    area.dispatchEvent(new Event('input', { bubbles: true }));
    await vi.waitFor(() => expect(button('Save context')!.disabled).toBe(false));
    button('Save context')!.click();
    await vi.waitFor(() => expect(text()).toContain('Context saved to the record.'));
    expect(updates).toEqual([{ X7_Context: 'Wants a pilot in Q1.' }]);
  });

  it('pauses and hands back a lead it is working, through the backend', async () => {
    const record: HostRecord = { id: '42', ownerId: '900', ownerName: 'Nova Assistant', fields: {} };
    const { host } = fakeHost(record);
    const { backend, posts } = fakeBackend(() => ({ ...baseData(), lead: activeLead }));
    mount(host, backend);
    await vi.waitFor(() => expect(button('Pause')).toBeDefined());
    button('Pause')!.click();
    await vi.waitFor(() => expect(text()).toContain('Paused: no emails go out'));
    button('Hand back now')!.click();
    await vi.waitFor(() => expect(text()).toContain('Handing back to Sam Sales.'));
    expect(posts).toEqual(['/leads/lead-1/pause', '/leads/lead-1/hand-back']);
  });

  it('says what to do when it is not on a record, or the server refuses', async () => {
    const { host } = fakeHost({ id: '42', ownerId: null, ownerName: null, fields: {} }, null);
    mount(host, fakeBackend(baseData).backend);
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('Open this widget on a Lead, Contact or Deal record.'));
    render(null, root);
    root.remove();

    let fail = true;
    const other = fakeHost({ id: '42', ownerId: null, ownerName: null, fields: {} });
    mount(other.host, fakeBackend(() => (fail ? new BackendError(401, 'UNAUTHORIZED', 'The widget key is not valid.') : baseData())).backend);
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('The widget key is not valid.'));
    fail = false;
    button('Try again')!.click();
    await vi.waitFor(() => expect(text()).toContain('not working on this record'));
  });

  it('explains an assistant with no Zoho user instead of assigning', async () => {
    const { host, updates } = fakeHost({ id: '42', ownerId: '1', ownerName: 'Sam Sales', fields: {} });
    host.users = async () => [];
    mount(host, fakeBackend(baseData).backend);
    await vi.waitFor(() => expect(button('Assign to Nova')).toBeDefined());
    button('Assign to Nova')!.click();
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('adds nova@assist.test as a Zoho user'));
    expect(updates).toEqual([]);
  });

  it('stays live: a change made elsewhere (the owner in Zoho, a sent email, a handback) shows without a reload', async () => {
    const { host } = fakeHost({ id: '42', ownerId: '1', ownerName: 'Sam Sales', fields: {} });
    let data = baseData();
    mount(host, fakeBackend(() => data).backend);
    await vi.waitFor(() => expect(text()).toContain('not working on this record'));
    data = { ...data, lead: activeLead, events: [{ at: '2026-11-21T10:00:00.000Z', kind: 'assigned' }] };
    await vi.waitFor(() => expect(text()).toContain('Working this record'));
    expect(root.querySelector('.badge')!.textContent).toBe('Working');
    data = { ...data, lead: { ...activeLead, state: 'Pending', step: { sent: 1, total: 4 } }, events: [{ at: '2026-11-23T14:00:00.000Z', kind: 'email_sent', subject: 'A quick question' }, ...data.events] };
    await vi.waitFor(() => expect(text()).toContain('1 of 4 (Recommended)'));
    expect(text()).toContain('Sent an email: "A quick question"');
    data = { ...data, lead: { ...activeLead, handingBack: true } };
    await vi.waitFor(() => expect(text()).toContain('Handing back to Sam Sales'));
    expect(root.querySelector('.badge')!.textContent).toBe('Handing back');
    expect(button('Pause')).toBeUndefined();
    expect(button('Hand back now')).toBeUndefined();
    data = { ...data, lead: { ...activeLead, status: 'handed_back', state: 'Processed', closeReason: 'Handed back from the record widget.' } };
    await vi.waitFor(() => expect(text()).toContain('Handed back to Sam Sales: Handed back from the record widget.'));
    expect(button('Assign to Nova')).toBeDefined();
  });

  it('shows progress while assigning, and the refusal with its reason when the assistant already worked the record', async () => {
    const worked: LeadView = { ...activeLead, status: 'handed_back', state: 'Responded', closeReason: 'The lead replied.' };
    let data: RecordWidgetData = { ...baseData(), lead: worked, events: [{ at: '2026-11-20T10:00:00.000Z', kind: 'handed_back' }] };
    const { host } = fakeHost({ id: '42', ownerId: '1', ownerName: 'Sam Sales', fields: {} });
    let release!: () => void;
    host.updateRecord = () =>
      new Promise<void>((resolve) => {
        release = () => {
          data = { ...data, events: [{ at: '2026-11-21T10:00:00.000Z', kind: 'reassignment_refused', previousClose: 'The lead replied.' }, ...data.events] };
          resolve();
        };
      });
    mount(host, fakeBackend(() => data).backend);
    await vi.waitFor(() => expect(button('Assign to Nova')).toBeDefined());
    button('Assign to Nova')!.click();
    await vi.waitFor(() => expect(button('Assigning…')!.disabled).toBe(true));
    expect(root.querySelector('[role="status"]')!.textContent).toBe('Assigning to Nova…');
    release();
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toBe('Not assigned: Nova already worked this record (The lead replied), so it will not start again. The record went back to Sam Sales.'));
    expect(text()).not.toContain('Nova is working this record');
  });

  it('offers only sequences that can send, and any of them works: the choice goes to the backend, not the picklist', async () => {
    const { host, updates } = fakeHost({ id: '42', ownerId: '1', ownerName: 'Sam Sales', fields: {} });
    let data: RecordWidgetData = { ...baseData(), sequences: [{ id: 's1', name: 'Recommended', steps: 4 }, { id: 's2', name: 'Quick', steps: 2 }, { id: 's3', name: 'Empty', steps: 0 }] };
    const { backend, posts } = fakeBackend(() => data);
    host.updateRecord = async (_module, _id, fields) => {
      updates.push(fields);
      data = { ...data, lead: { ...activeLead, sequence: { id: 's2', name: 'Quick' }, step: { sent: 0, total: 2 } } };
    };
    mount(host, backend);
    await vi.waitFor(() => expect(root.querySelector('select')).not.toBeNull());
    const picker = root.querySelector('select')!;
    expect([...picker.options].map((option) => option.textContent)).toEqual(["The assistant's default", 'Recommended (4 emails)', 'Quick (2 emails)']);
    picker.value = 's2';
    picker.dispatchEvent(new Event('change', { bubbles: true }));
    await vi.waitFor(() => expect(picker.value).toBe('s2'));
    button('Assign to Nova')!.click();
    await vi.waitFor(() => expect(text()).toContain('Nova is working this record.'));
    expect(posts).toEqual(['/record-widget/Contacts/42/sequence {"sequenceId":"s2"}']);
    expect(updates).toEqual([{ Owner: { id: '900' } }]);
    expect(text()).toContain('0 of 2 (Quick)');
  });
});
