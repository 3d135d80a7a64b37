import { Hono } from 'hono';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';
import { page } from '../http/pages.js';
import type { Engine } from '../engine/engine.js';

/**
 * The unsubscribe link in every email: GET shows a confirmation, POST (also RFC 8058 one-click)
 * stops the lead at once, sets it Unsubscribed and hands the record back.
 */
export function unsubscribeRoutes(deps: AppDeps, engine: Engine): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const leadOf = (token: string) => engine.leadOfUnsubscribeLink(token);
  const show = (c: Context<AppEnv>, title: string, text: string, status: 200 | 404 = 200) => {
    const { html, csp } = page({ title, ok: status === 200, paragraphs: [text] });
    c.header('Content-Security-Policy', csp);
    return c.html(html, status);
  };

  app.get('/:token', async (c) => {
    const lead = await leadOf(c.req.param('token'));
    if (!lead) return show(c, 'Link not recognised', 'This unsubscribe link is not valid.', 404);
    const { html, csp } = page({ title: 'Unsubscribe', ok: true, paragraphs: [`Stop emails to ${lead.email ?? 'this address'}?`] });
    c.header('Content-Security-Policy', csp.replace("form-action 'none'", "form-action 'self'"));
    return c.html(html.replace('<p><button type="button" id="close">', `<form method="post"><button type="submit">Unsubscribe</button></form><p><button type="button" id="close">`));
  });

  app.post('/:token', async (c) => {
    const lead = await leadOf(c.req.param('token'));
    if (!lead) return show(c, 'Link not recognised', 'This unsubscribe link is not valid.', 404);
    await engine.unsubscribe(lead);
    return show(c, 'Unsubscribed', 'You will not receive further emails from us.');
  });

  return app;
}
