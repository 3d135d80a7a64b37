import { Hono } from 'hono';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';
import { page } from '../http/pages.js';
import { stopAndHandBack } from '../engine/effects.js';
import type { Engine } from '../engine/engine.js';
import { addLeadEvent, getLead, updateLead } from '../engine/leads.js';
import { isUnsubscribeToken } from '../engine/nurture.js';
import { optOutInZoho } from '../engine/replies.js';
import { suppress } from '../engine/suppression.js';

/**
 * The unsubscribe link in every email: GET shows a confirmation, POST (also RFC 8058 one-click)
 * stops the lead at once, sets it Unsubscribed and hands the record back.
 */
export function unsubscribeRoutes(deps: AppDeps, engine: Engine): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const leadOf = (token: string) => {
    const leadId = token.split('.')[0] ?? '';
    const row = deps.db.prepare('SELECT org_id FROM leads WHERE id = ?').get(leadId) as { org_id: string } | undefined;
    const lead = row ? getLead(deps.db, row.org_id, leadId) : undefined;
    return lead && isUnsubscribeToken(engine.deps, lead, token) ? lead : undefined;
  };
  const show = (c: Context<AppEnv>, title: string, text: string, status: 200 | 404 = 200) => {
    const { html, csp } = page({ title, ok: status === 200, paragraphs: [text] });
    c.header('Content-Security-Policy', csp);
    return c.html(html, status);
  };

  app.get('/:token', (c) => {
    const lead = leadOf(c.req.param('token'));
    if (!lead) return show(c, 'Link not recognised', 'This unsubscribe link is not valid.', 404);
    const { html, csp } = page({ title: 'Unsubscribe', ok: true, paragraphs: [`Stop emails to ${lead.email ?? 'this address'}?`] });
    c.header('Content-Security-Policy', csp.replace("form-action 'none'", "form-action 'self'"));
    return c.html(html.replace('<p><button type="button" id="close">', `<form method="post"><button type="submit">Unsubscribe</button></form><p><button type="button" id="close">`));
  });

  app.post('/:token', (c) => {
    const lead = leadOf(c.req.param('token'));
    if (!lead) return show(c, 'Link not recognised', 'This unsubscribe link is not valid.', 404);
    const now = engine.deps.clock.now();
    deps.db.transaction(() => {
      // The address is suppressed before anything else: no queued email to it can go out after this.
      if (lead.email) suppress(deps.db, lead.org_id, lead.email, 'unsubscribed', 'unsubscribe link', now);
      optOutInZoho(engine.deps, lead, now);
      if (lead.status === 'active' || lead.status === 'paused') {
        // The widget says Unsubscribed at once; the lead pauses so no step can send before the handback runs.
        updateLead(deps.db, lead, { state: 'Unsubscribed' }, now);
        addLeadEvent(deps.db, lead, 'unsubscribed', {}, now);
        stopAndHandBack(engine.deps, lead, 'The lead unsubscribed.', 'Unsubscribed', now);
      }
    })();
    engine.runner.poke();
    return show(c, 'Unsubscribed', 'You will not receive further emails from us.');
  });

  return app;
}
