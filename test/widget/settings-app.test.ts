// @vitest-environment happy-dom
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsApp, type SettingsProps } from '../../widget/src/settings/SettingsApp.js';
import { type Backend, BackendError } from '../../widget/src/shared/backend.js';
import { answers, assistant, details, sequence } from './fixtures.js';

let root: HTMLElement;
function mount(props: SettingsProps) {
  root = document.createElement('main');
  document.body.append(root);
  render(h(SettingsApp, props), root);
}
afterEach(() => {
  render(null, root);
  root.remove();
});
const button = (label: string) => [...root.querySelectorAll('button')].find((element) => element.textContent?.trim() === label);


describe('the settings tab against a fake backend', () => {
  it('before connection: only Authorize, which opens our OAuth start', async () => {
    const opened: string[] = [];
    mount({ backend: null, authorizeUrl: 'https://assist.example/oauth/zoho/start', signIn: async () => undefined, isAdmin: () => false, openWindow: (url) => opened.push(url) });
    expect(root.textContent).toContain('Not connected to Zoho CRM yet');
    button('Authorize')!.click();
    expect(opened).toEqual(['https://assist.example/oauth/zoho/start']);
  });

  it('Refresh signs the administrator in first, then shows the new status', async () => {
    let admin = false;
    const calls: string[] = [];
    const backend: Backend = {
      get: answers({ '/crm-details': details('ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM'), '/sequences': { sequences: [sequence({ days: [0, 3] })] } }),
      post: async <T,>(path: string) => {
        calls.push(`${path} admin=${String(admin)}`);
        return details('ASSISTANT_EXISTS_AS_USER_IN_CRM') as T;
      },
      put: async <T,>() => ({}) as T,
      delete: async <T,>() => ({}) as T,
    };
    mount({ backend, authorizeUrl: 'https://assist.example/oauth/zoho/start', signIn: async () => void (admin = true), isAdmin: () => admin, openWindow: () => undefined });
    await vi.waitFor(() => expect(root.querySelector('tbody tr')?.getAttribute('data-status')).toBe('ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM'));
    expect(root.textContent).toContain('EU data centre');
    expect(root.textContent).toContain('Recommended: 2 emails over 3 days (default)');
    expect(root.textContent).toContain('Not subscribed: polling every 10 minutes');
    button('Refresh')!.click();
    await vi.waitFor(() => expect(root.querySelector('tbody tr')?.getAttribute('data-status')).toBe('ASSISTANT_EXISTS_AS_USER_IN_CRM'));
    expect(calls).toEqual(['/crm-details/refresh admin=true']);
    expect(root.querySelector('[role="status"]')!.textContent).toBe('CRM Details refreshed from Zoho.');
  });

  it('a refused sign-in says so and changes nothing', async () => {
    const posts: string[] = [];
    const backend: Backend = {
      get: answers({}),
      post: async <T,>(path: string) => {
        posts.push(path);
        return {} as T;
      },
      put: async <T,>() => ({}) as T,
      delete: async <T,>() => ({}) as T,
    };
    mount({ backend, authorizeUrl: null, signIn: async () => Promise.reject(new Error('The sign-in window was blocked: allow pop-ups for Zoho CRM and try again.')), isAdmin: () => false, openWindow: () => undefined });
    await vi.waitFor(() => expect(button('Disconnect')).toBeDefined());
    button('Disconnect')!.click();
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('sign-in window was blocked'));
    expect(posts).toEqual([]);
  });

  it('a closed sign-in window says so and leaves every button usable; after signing in, actions ask nothing more; an ended session signs in again once; Sign out', async () => {
    let session: string | null = null;
    let accepted = true;
    const signIns: string[] = [];
    const posts: string[] = [];
    const backend: Backend = {
      get: answers({}),
      post: async <T,>(path: string) => {
        if (!accepted) {
          accepted = true;
          throw new BackendError(403, 'FORBIDDEN', 'This action needs a Zoho CRM administrator.');
        }
        posts.push(path);
        return details('ALL_WORKING_WELL') as T;
      },
      put: async <T,>() => ({}) as T,
      delete: async <T,>() => ({}) as T,
    };
    let closeNext = true;
    const signIn = async () => {
      signIns.push('popup');
      if (closeNext) {
        closeNext = false;
        throw new Error('Not signed in: the sign-in window was closed before signing in. Nothing was changed.');
      }
      session = 'ann@acme.test';
    };
    mount({ backend, authorizeUrl: null, signIn, isAdmin: () => session !== null, adminEmail: () => session, signOut: () => void (session = null), openWindow: () => undefined });
    await vi.waitFor(() => expect(button('Refresh')!.disabled).toBe(false));
    button('Refresh')!.click();
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toBe('Not signed in: the sign-in window was closed before signing in. Nothing was changed.'));
    expect(['Refresh', 'Disconnect', 'Create assistant', 'Create sequence', 'Edit'].map((label) => button(label)!.disabled)).toEqual([false, false, false, false, false]);
    expect(root.querySelector('main')!.getAttribute('aria-busy')).toBe('false');

    for (let action = 0; action < 5; action += 1) {
      button('Refresh')!.click();
      await vi.waitFor(() => expect(posts).toHaveLength(action + 1));
      await vi.waitFor(() => expect(button('Refresh')!.disabled).toBe(false));
    }
    expect(signIns).toEqual(['popup', 'popup']);
    expect(root.textContent).toContain('Signed in as ann@acme.test · Sign out');

    // The backend no longer takes the session: forgotten, one sign-in, the action done.
    accepted = false;
    button('Refresh')!.click();
    await vi.waitFor(() => expect(posts).toHaveLength(6));
    expect(signIns).toEqual(['popup', 'popup', 'popup']);

    button('Sign out')!.click();
    await vi.waitFor(() => expect(root.textContent).not.toContain('Signed in as'));
    expect(session).toBeNull();
  });

  it('creates a sequence step by step: a refused day shows its message next to its field, a preview shows the email, then it saves', async () => {
    const posted: unknown[] = [];
    let sequences = [sequence({ days: [0] })];
    const backend: Backend = {
      get: answers({ '/sequences': () => ({ sequences }) }),
      post: async <T,>(path: string, body?: unknown) => {
        if (path === '/sequences/preview') return { subject: 'A quick question for Morgan Industries', text: 'Hi Alex,\n\nWe make CNC machines.', sample: { name: 'Alex Morgan', company: 'Morgan Industries', assistant: 'Nova' } } as T;
        const steps = (body as { steps: { after_days: number | null }[] }).steps;
        const bad = steps.findIndex((step) => step.after_days === null);
        if (bad >= 0) throw new BackendError(400, 'VALIDATION_FAILED', 'raw', [{ path: `steps.${bad}.after_days`, message: 'Days between emails must be 0–365.' }]);
        posted.push({ path, body });
        sequences = [...sequences, sequence({ id: 's2', name: 'Short', is_default: false, days: [0, 2] })];
        return {} as T;
      },
      put: async <T,>() => ({}) as T,
      delete: async <T,>() => ({}) as T,
    };
    mount({ backend, authorizeUrl: null, signIn: async () => undefined, isAdmin: () => true, openWindow: () => undefined });
    await vi.waitFor(() => expect(root.textContent).toContain('Recommended: 1 email over 0 days'));
    const input = (id: string) => root.querySelector<HTMLInputElement>(`#${id}`)!;
    const type = (id: string, value: string) => {
      act(() => {
        input(id).value = value;
        input(id).dispatchEvent(new Event('input', { bubbles: true }));
      });
    };
    type('sequence-name', 'Short');
    act(() => root.querySelector<HTMLButtonElement>('button[aria-label="Remove email 4"]')!.click());
    act(() => root.querySelector<HTMLButtonElement>('button[aria-label="Remove email 3"]')!.click());
    expect(root.querySelectorAll('form[aria-label="New sequence"] fieldset')).toHaveLength(2);
    type('step-1-days', '');
    button('Create sequence')!.click();
    await vi.waitFor(() => expect(root.querySelector('#step-1-days-error')?.textContent).toBe('Days between emails must be 0–365.'));
    expect(input('step-1-days').getAttribute('aria-invalid')).toBe('true');
    expect(root.querySelector('[role="alert"]')?.textContent).toBe('Not saved: see the fields marked below.');
    expect(posted).toEqual([]);

    act(() => root.querySelector<HTMLButtonElement>('button[aria-label="Preview email 1"]')!.click());
    await vi.waitFor(() => expect(root.querySelector('[aria-label="Preview of email 1"]')?.textContent).toContain('Subject: A quick question for Morgan Industries'));

    type('step-1-days', '2');
    expect(input('step-0-days').value).toBe('0');
    button('Create sequence')!.click();
    await vi.waitFor(() => expect(root.textContent).toContain('Short: 2 emails over 2 days'));
    expect(root.querySelector('#step-1-days-error')).toBeNull();
    expect(posted).toEqual([{ path: '/sequences', body: { name: 'Short', steps: [{ after_days: 0, mode: 'generated', subject: null, body: null }, { after_days: 2, mode: 'generated', subject: null, body: null }], is_default: false } }]);
  });

  it('edits an assistant with every field; a refused value shows next to its field and nothing is saved', async () => {
    const puts: { path: string; body: Record<string, unknown> }[] = [];
    const backend: Backend = {
      get: answers({}),
      post: async <T,>() => ({}) as T,
      put: async <T,>(path: string, body: unknown) => {
        const input = body as Record<string, unknown>;
        if (input.daily_cap === 5000) throw new BackendError(400, 'VALIDATION_FAILED', 'raw', [{ path: 'daily_cap', message: 'The daily limit is a whole number, 1–2,000.' }, { path: 'business_hours.end', message: 'Sending hours must end after they start.' }]);
        puts.push({ path, body: input });
        return {} as T;
      },
      delete: async <T,>() => ({}) as T,
    };
    mount({ backend, authorizeUrl: null, signIn: async () => undefined, isAdmin: () => true, openWindow: () => undefined });
    await vi.waitFor(() => expect(root.querySelector('button[aria-label="Edit Nova"]')).not.toBeNull());
    act(() => root.querySelector<HTMLButtonElement>('button[aria-label="Edit Nova"]')!.click());
    const set = (id: string, value: string) =>
      act(() => {
        const element = root.querySelector<HTMLInputElement>(`#${id}`)!;
        element.value = value;
        element.dispatchEvent(new Event('input', { bubbles: true }));
      });
    expect(root.querySelector<HTMLInputElement>('#assistant-zone')!.value).toBe('Europe/Berlin');
    set('assistant-cap', '5000');
    button('Save assistant')!.click();
    await vi.waitFor(() => expect(root.querySelector('#assistant-cap-error')?.textContent).toBe('The daily limit is a whole number, 1–2,000.'));
    expect(root.querySelector('#assistant-end-error')?.textContent).toBe('Sending hours must end after they start.');
    expect(puts).toEqual([]);

    set('assistant-cap', '150');
    set('assistant-bounce', '2.5');
    set('assistant-nurture', 'Used by 40 plants\n\nISO 9001');
    set('assistant-brochure', 'https://acme.test/brochure.pdf');
    set('assistant-de-context', 'Wir bauen CNC-Maschinen.');
    set('assistant-de-nurture', 'In 40 Werken im Einsatz\n');
    act(() => {
      const approval = root.querySelector<HTMLSelectElement>('#assistant-approval')!;
      approval.value = 'first';
      approval.dispatchEvent(new Event('change', { bubbles: true }));
    });
    set('assistant-draft-expiry', '5');
    button('Save assistant')!.click();
    await vi.waitFor(() => expect(puts).toHaveLength(1));
    expect(puts[0]).toEqual({
      path: '/assistants/a1',
      body: {
        name: 'Nova',
        mailbox_email: 'nova@acme.test',
        default_context: 'We make CNC machines.',
        signature: 'Nova, Acme',
        default_sequence_id: null,
        time_zone: 'Europe/Berlin',
        business_hours: { start: '09:00', end: '17:00' },
        off_days: ['sat', 'sun'],
        daily_cap: 150,
        default_owner_id: null,
        nurture_lines: ['Used by 40 plants', 'ISO 9001'],
        postal_address: '',
        brochure_url: 'https://acme.test/brochure.pdf',
        bounce_threshold: 0.025,
        other_languages: { de: { context: 'Wir bauen CNC-Maschinen.', nurture_lines: ['In 40 Werken im Einsatz'] } },
        approval: 'first',
        draft_expiry_days: 5,
      },
    });
    await vi.waitFor(() => expect(root.querySelector('[role="status"]')?.textContent).toBe('Assistant Nova saved.'));
  });

  it('replies: a paused assistant says why and resumes; saving a mailbox signs in first and sends the settings once', async () => {
    let admin = false;
    const writes: string[] = [];
    const nova = assistant({ sending_paused_at: 1, sending_paused_reason: 'Bounce rate 10.0% (2 of 20 emails in 7 days) is above 5.0%: sending paused until an admin resumes it.' });
    const backend: Backend = {
      get: answers({ '/assistants': () => ({ assistants: [nova] }) }),
      post: async <T,>(path: string) => {
        writes.push(`POST ${path} admin=${String(admin)}`);
        if (path.endsWith('/resume-sending')) Object.assign(nova, { sending_paused_at: null, sending_paused_reason: null });
        return {} as T;
      },
      put: async <T,>(path: string, body: unknown) => {
        writes.push(`PUT ${path} admin=${String(admin)} ${JSON.stringify(body)}`);
        nova.mailbox_configured = true;
        return {} as T;
      },
      delete: async <T,>() => ({}) as T,
    };
    mount({ backend, authorizeUrl: null, signIn: async () => void (admin = true), isAdmin: () => admin, openWindow: () => undefined });
    await vi.waitFor(() => expect(root.querySelector('section[aria-label="Replies"] [role="alert"]')?.textContent).toContain('Bounce rate 10.0%'));
    expect(root.textContent).toContain('Replies: not read: set the IMAP mailbox below, or turn on the inbound-mail webhook (INBOUND_WEBHOOK_TOKEN)');

    const form = root.querySelector('form[aria-label="Mailbox"]')!;
    const fill = (label: string, value: string) => {
      const input = [...form.querySelectorAll('label')].find((element) => element.textContent?.startsWith(label))!.querySelector('input')!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    // act() lets Preact render each keystroke's state before the form is submitted, as in a browser.
    act(() => {
      fill('IMAP server', 'imap.acme.test');
      fill('User', 'nova@acme.test');
      fill('Password', 'secret-1');
    });
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(root.querySelector('[role="status"]')?.textContent).toBe('Signed in to imap.acme.test as nova@acme.test: replies will be read from now on.'));
    expect(writes).toEqual(['PUT /assistants/a1/mailbox admin=true {"host":"imap.acme.test","port":993,"secure":true,"user":"nova@acme.test","password":"secret-1"}']);
    await vi.waitFor(() => expect(root.textContent).toContain('Replies: read from the IMAP mailbox'));
    // The password does not stay in the form once saved.
    expect([...form.querySelectorAll('input')].find((input) => input.type === 'password')!.value).toBe('');

    button('Resume sending')!.click();
    await vi.waitFor(() => expect(root.querySelector('section[aria-label="Replies"] [role="alert"]')).toBeNull());
    expect(writes.at(-1)).toBe('POST /assistants/a1/resume-sending admin=true');
  });

  it('connector: a refused mapping shows Zoho\'s reason; a dry run shows its counts; run records filter by action', async () => {
    const calls: string[] = [];
    const settings = { enabled: false, name: 'Zoho CRM', create_contacts: false, create_accounts: false, account_id_field: null, segment_ids: [], mappings: [], schedule_minutes: 60, log_retention_days: 30 };
    const run = { id: 7, trigger: 'scheduled or on change', dry_run: false, status: 'done', started_at: '2026-11-22T10:00:00.000Z', created: 1, updated: 3, skipped: 1, rejected: 1, api_calls: 6, error: null };
    // Three later runs that changed nothing fold into one line.
    const quiet = [12, 11, 10].map((hour, index) => ({ ...run, id: 10 - index, started_at: `2026-11-22T${hour}:00:00.000Z`, created: 0, updated: 0, rejected: 0, skipped: 24 }));
    const backend: Backend = {
      get: async <T,>(path: string) => {
        calls.push(`GET ${path}`);
        if (path === '/crm-details') return details('ALL_WORKING_WELL') as T;
        if (path === '/assistants') return { assistants: [] } as T;
        if (path === '/connector') return { settings, default_mappings: [{ entity: 'contact', property: 'email', zoho_field: 'Email' }], properties: { contact: [{ name: 'email', label: 'Email', type: 'email', description: '' }, { name: 'lead_state', label: 'Lead state', type: 'enum', description: '' }, { name: 'company', label: 'Company', type: 'string', description: '' }], account: [{ name: 'name', label: 'Company name', type: 'string', description: '' }] }, operators: [{ op: 'eq', label: 'is', types: ['string', 'enum'] }] } as T;
        if (path === '/connector/zoho-fields') return { contact: [{ apiName: 'Email', label: 'Email', type: 'email' }, { apiName: 'Score', label: 'Score', type: 'integer' }], account: [] } as T;
        if (path === '/connector/runs?limit=10') return { runs: [...quiet, run] } as T;
        if (path.startsWith('/send-plan')) return { from: '2026-11-23T09:00:00.000Z', until: '2026-12-07T09:00:00.000Z', emails: [], held: [] } as T;
        if (path.startsWith('/connector/runs/7/records')) return { records: [{ entity: 'contact', our_id: 'lead-2', zoho_id: '99', action: 'reject', reason: 'Zoho refused it: INVALID_DATA invalid data (api_name First_Name)', name: 'Bea Byron', email: 'bea@prospect.test', zoho_url: 'https://crm.zoho.eu/crm/org1/tab/Contacts/99' }] } as T;
        return { sequences: [], segments: [] } as T;
      },
      post: async <T,>(path: string) => {
        calls.push(`POST ${path}`);
        return { run: { ...run, id: 8, dry_run: true }, records: [{ entity: 'contact', our_id: 'lead-1', zoho_id: null, action: 'skip', reason: 'not in Zoho, and creating Contacts is off', name: 'Ann Lee', email: 'ann@prospect.test', zoho_url: null }] } as T;
      },
      put: async (path: string, body: unknown): Promise<never> => {
        calls.push(`PUT ${path} ${JSON.stringify((body as { mappings: unknown[] }).mappings)}`);
        throw new BackendError(400, 'MAPPING_INCOMPATIBLE', 'company is a string and Contacts.Score is a integer field');
      },
      delete: async <T,>() => ({}) as T,
    };
    mount({ backend, authorizeUrl: null, signIn: async () => undefined, isAdmin: () => true, openWindow: () => undefined });
    const panel = () => root.querySelector('section[aria-label="Connector"]')!;
    await vi.waitFor(() => expect(panel()?.querySelector('select[aria-label="Zoho field"]')).toBeTruthy());
    expect(panel().textContent).toContain('Lead → Contact: Email → Email (email) (always)');
    // Three runs that changed nothing are one line; the run that did is its own.
    expect(panel().textContent).toContain('3 checks');
    expect(panel().querySelectorAll('tbody tr')).toHaveLength(2);
    act(() => {
      const property = panel().querySelector<HTMLSelectElement>('select[aria-label="Property"]')!;
      property.value = 'company';
      property.dispatchEvent(new Event('change'));
      const field = panel().querySelector<HTMLSelectElement>('select[aria-label="Zoho field"]')!;
      field.value = 'Score';
      field.dispatchEvent(new Event('change'));
    });
    act(() => button('Add mapping')!.click());
    expect(panel().textContent).toContain('Lead → Contact: Company → Score (integer)');
    button('Save connector')!.click();
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('Contacts.Score is a integer field'));
    expect(calls).toContain('PUT /connector [{"entity":"contact","property":"company","zoho_field":"Score"}]');

    button('Dry run')!.click();
    await vi.waitFor(() => expect(root.querySelector('[role="status"]')?.textContent).toBe('Dry run: 1 created, 3 updated, 1 skipped, 1 rejected. Nothing was written to Zoho.'));
    expect(panel().textContent).toContain('Skip Ann Lee (ann@prospect.test): not in Zoho, and creating Contacts is off');

    button('Show')!.click();
    await vi.waitFor(() => expect(panel().textContent).toContain('Rejected by Zoho Bea Byron (bea@prospect.test): Zoho refused it'));
    expect(panel().querySelector<HTMLAnchorElement>('a[href="https://crm.zoho.eu/crm/org1/tab/Contacts/99"]')!.textContent).toBe('Open in Zoho');
    act(() => {
      const filter = panel().querySelector<HTMLSelectElement>('select[aria-label="Action filter"]')!;
      filter.value = 'reject';
      filter.dispatchEvent(new Event('change'));
    });
    await vi.waitFor(() => expect(calls).toContain('GET /connector/runs/7/records?action=reject'));
  });

  it('connector: a new segment is posted with its value in the property\'s own kind', async () => {
    const posts: unknown[] = [];
    const settings = { enabled: true, name: 'Zoho CRM', create_contacts: false, create_accounts: false, account_id_field: null, segment_ids: [], mappings: [], schedule_minutes: 60, log_retention_days: 30 };
    const backend: Backend = {
      get: async <T,>(path: string) => {
 if (path === '/crm-details') return details('ALL_WORKING_WELL') as T;
        if (path === '/assistants') return { assistants: [] } as T;
        if (path === '/connector') return { settings, default_mappings: [], properties: { contact: [{ name: 'lead_state', label: 'Lead state', type: 'enum', description: '' }, { name: 'emails_sent', label: 'Emails sent', type: 'integer', description: '' }], account: [{ name: 'name', label: 'Company name', type: 'string', description: '' }] }, operators: [{ op: 'eq', label: 'is', types: ['enum', 'integer'] }, { op: 'in', label: 'is one of', types: ['enum', 'integer'] }, { op: 'gte', label: 'is at least', types: ['integer'] }] } as T;
        if (path === '/connector/zoho-fields') throw new BackendError(503, 'ZOHO_UNAVAILABLE', 'Zoho did not answer.');
        if (path === '/connector/segments') return { segments: posts.length ? [{ id: 's1', name: 'Engaged leads', entity: 'contact' }] : [] } as T;
        return { sequences: [], runs: [] } as T;
      },
      post: async <T,>(path: string, body?: unknown) => {
        posts.push({ path, body });
        return {} as T;
      },
      put: async <T,>() => ({}) as T,
      delete: async <T,>() => ({}) as T,
    };
    mount({ backend, authorizeUrl: null, signIn: async () => undefined, isAdmin: () => true, openWindow: () => undefined });
    const form = () => root.querySelector('form[aria-label="New segment"]')!;
    await vi.waitFor(() => expect(form()).not.toBeNull());
    const set = (selector: string, value: string, event: string) => {
      const element = form().querySelector<HTMLInputElement | HTMLSelectElement>(selector)!;
      element.value = value;
      element.dispatchEvent(new Event(event));
    };
    act(() => {
      set('input[placeholder="Name"]', 'Engaged leads', 'input');
      set('select[aria-label="Segment condition"]', 'in', 'change');
      set('input[aria-label="Segment value"]', 'Hot, Warm', 'input');
    });
    form().dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toEqual({ path: '/connector/segments', body: { name: 'Engaged leads', entity: 'contact', conditions: [{ property: 'lead_state', op: 'in', value: ['Hot', 'Warm'] }] } });
    await vi.waitFor(() => expect(root.querySelector('section[aria-label="Connector"]')!.textContent).toContain('Engaged leads (leads)'));
    act(() => {
      set('input[placeholder="Name"]', 'Busy', 'input');
      set('select[aria-label="Segment property"]', 'emails_sent', 'change');
    });
    // Operators in words, only those the property takes: "is at least" is offered for a number.
    expect([...form().querySelectorAll('select[aria-label="Segment condition"] option')].map((option) => option.textContent)).toEqual(['is', 'is one of', 'is at least']);
    act(() => {
      set('select[aria-label="Segment condition"]', 'gte', 'change');
      set('input[aria-label="Segment value"]', '3', 'input');
    });
    form().dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(posts).toHaveLength(2));
    expect((posts[1] as { body: { conditions: unknown[] } }).body.conditions).toEqual([{ property: 'emails_sent', op: 'gte', value: 3 }]);
  });
});

