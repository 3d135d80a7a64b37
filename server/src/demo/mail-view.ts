import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { SMTPServer } from 'smtp-server';
import { type DemoMailDb, type MailRow, findSentMail, listMails, saveMail } from '../db/demo-mail.js';
import { parseMessage } from '../replies/message.js';
import { buildReply, replySubject } from '../replies/reply-message.js';

/** A real SMTP server on loopback that keeps every email the assistants send, for the mail view. */
export async function startMailCapture(db: DemoMailDb, host: string, clock: { now(): number }): Promise<{ url: string; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 5 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        void parseMessage(Buffer.concat(chunks))
          .then(async (message) => {
            for (const recipient of session.envelope.rcptTo) {
              await saveMail(db, {
                direction: 'out',
                lead_email: recipient.address.toLowerCase(),
                assistant_email: message.from?.address ?? '',
                assistant_name: message.from?.name ?? '',
                subject: message.subject,
                message_id: message.messageId,
                body: message.text,
                at: clock.now(),
              });
            }
          })
          .then(
            () => callback(),
            (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
          );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://${host}:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

/**
 * Keeps the page current without a reload: every few seconds it asks how many emails there are
 * and, when that changed, fetches the page and swaps in the threads, leaving each Reply box (and
 * whatever is being typed in it) where it is. New threads go on top.
 */
const LIVE_SCRIPT = `
let seen = document.body.dataset.count;
async function tick() {
  try {
    const count = await (await fetch('/count')).text();
    if (count !== seen) {
      const next = new DOMParser().parseFromString(await (await fetch('/')).text(), 'text/html');
      const main = document.querySelector('main');
      for (const section of [...next.querySelectorAll('section[data-lead]')].reverse()) {
        const here = main.querySelector('section[data-lead="' + CSS.escape(section.dataset.lead) + '"]');
        if (!here) { main.querySelector('.empty')?.remove(); main.querySelector('h1 ~ p').after(document.importNode(section, true)); continue; }
        here.querySelector('.thread').replaceWith(document.importNode(section.querySelector('.thread'), true));
        const to = section.querySelector('input[name=to]');
        const form = here.querySelector('form');
        if (to && form) form.querySelector('input[name=to]').value = to.value;
        else if (to) here.append(document.importNode(section.querySelector('form'), true));
      }
      seen = count;
    }
  } catch {}
  setTimeout(tick, 2000);
}
setTimeout(tick, 2000);
`;

/**
 * The mail view: each lead's thread (the assistant's emails and the lead's replies), and a Reply
 * box that sends a reply to the assistant's mailbox as the lead would — through the backend's
 * inbound webhook, the same pipeline real mail takes. Times are the engine's (the demo's clock
 * runs a day a minute), so they match the widget's timeline.
 */
export function mailViewApp(db: DemoMailDb, deliver: (raw: string) => Promise<void>, clock: { now(): number }): Hono {
  const app = new Hono();

  app.get('/count', async (c) => {
    c.header('cache-control', 'no-store');
    return c.text(String((await listMails(db)).length));
  });

  app.get('/', async (c) => {
    const rows = await listMails(db);
    const threads = new Map<string, MailRow[]>();
    for (const row of rows) threads.set(row.lead_email, [...(threads.get(row.lead_email) ?? []), row]);
    const sections = [...threads.entries()]
      .reverse()
      .map(([lead, mails]) => {
        const lastOut = [...mails].reverse().find((mail) => mail.direction === 'out');
        const items = mails
          .map(
            (mail) => `<article class="${mail.direction}"><header><strong>${mail.direction === 'out' ? `${escape(mail.assistant_name)} → ${escape(lead)}` : `${escape(lead)} → ${escape(mail.assistant_name)}`}</strong> · ${when(mail.at)}<br>${escape(mail.subject)}</header><pre>${escape(mail.body)}</pre></article>`,
          )
          .join('');
        const reply = lastOut
          ? `<form method="post" action="/reply"><input type="hidden" name="to" value="${lastOut.id}"><label>Reply as ${escape(lead)}<textarea name="body" rows="3" required placeholder="Sounds good, Tuesday at 2pm works for me."></textarea></label><button type="submit">Send reply</button></form>`
          : '';
        return `<section aria-label="Thread with ${escape(lead)}" data-lead="${escape(lead)}"><h2>${escape(lead)}</h2><div class="thread">${items}</div>${reply}</section>`;
      });
    const nonce = randomBytes(16).toString('base64');
    c.header('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; base-uri 'none'`);
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mail · demo</title>
<style nonce="${nonce}">body{margin:0;font:14px/1.45 system-ui,sans-serif;background:#f4f6f9;color:#1f2937}main{max-width:820px;margin:0 auto;padding:16px}
section{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:12px 16px;margin:0 0 16px}h1{font-size:18px}h2{font-size:15px;margin:0 0 8px}
article{border-left:3px solid #1a73e8;padding:4px 10px;margin:8px 0}article.in{border-color:#0f9d58;background:#f3fbf6}pre{white-space:pre-wrap;font:inherit;margin:6px 0 0}
textarea{display:block;width:100%;box-sizing:border-box;margin:4px 0 8px}button{padding:6px 14px}</style></head>
<body data-count="${rows.length}"><main><h1>Mail (demo)</h1><p>Every email the assistants send lands here instead of a real inbox. Reply as the lead to watch the assistant read it, stop and hand the record back.</p>
${sections.length ? sections.join('') : '<p class="empty">No emails yet: assign a Lead or Contact to the assistant in the CRM.</p>'}</main><script nonce="${nonce}">${LIVE_SCRIPT}</script></body></html>`);
  });

  app.post('/reply', async (c) => {
    const form = await c.req.parseBody();
    const to = await findSentMail(db, Number(form.to));
    const body = typeof form.body === 'string' ? form.body.trim().slice(0, 10_000) : '';
    if (!to || !body) return c.text('Choose an email to answer and write a reply.', 400);
    const now = clock.now();
    const messageId = `<demo-reply-${now.toString(36)}-${randomBytes(4).toString('hex')}@${to.lead_email.split('@')[1] ?? 'lead.example'}>`;
    const raw = buildReply({
      from: to.lead_email,
      to: `${to.assistant_name ? `"${to.assistant_name.replace(/"/g, '')}" ` : ''}<${to.assistant_email}>`,
      subject: to.subject,
      messageId,
      inReplyTo: to.message_id,
      at: now,
      body,
      quote: { text: to.body, author: `${to.assistant_name} <${to.assistant_email}>`, at: to.at },
    });
    await deliver(raw);
    await saveMail(db, { direction: 'in', lead_email: to.lead_email, assistant_email: to.assistant_email, assistant_name: to.assistant_name, subject: replySubject(to.subject), message_id: messageId, body, at: now });
    return c.redirect('/', 303);
  });

  return app;
}

/** Serves the mail view on its own loopback port. */
export async function startMailView(app: Hono, port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const instance = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(instance));
    instance.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
