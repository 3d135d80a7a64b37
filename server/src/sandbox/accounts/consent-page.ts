import type { UserRow } from '../store/orgs.js';
import { fullName } from '../store/orgs.js';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f4f6f9; color: #1f2933; margin: 0; }
  main { max-width: 480px; margin: 48px auto; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); padding: 32px; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  p.sub { color: #52606d; margin: 0 0 20px; font-size: 14px; }
  fieldset { border: 1px solid #d9e2ec; border-radius: 6px; padding: 8px 12px; margin: 0 0 16px; }
  legend { font-size: 13px; color: #52606d; padding: 0 4px; }
  label { display: block; padding: 6px 0; font-size: 14px; cursor: pointer; }
  ul { font-size: 13px; color: #3e4c59; padding-left: 20px; }
  .actions { display: flex; gap: 12px; justify-content: flex-end; margin-top: 20px; }
  button { font-size: 14px; padding: 8px 18px; border-radius: 4px; border: 1px solid #bcccdc; background: #fff; cursor: pointer; }
  button.primary { background: #0b6bcb; color: #fff; border-color: #0b6bcb; }
  .badge { display: inline-block; font-size: 11px; background: #e3f2fd; color: #0b6bcb; border-radius: 3px; padding: 1px 6px; margin-left: 6px; }
  .error { color: #b42318; }
`;

export function consentPage(input: {
  clientName: string;
  scopes: string[];
  hiddenFields: Record<string, string>;
  orgs: { name: string; dc: string; users: UserRow[] }[];
}): string {
  const hidden = Object.entries(input.hiddenFields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  let first = true;
  const groups = input.orgs
    .map((org) => {
      const options = org.users
        .map((user) => {
          const checked = first ? ' checked' : '';
          first = false;
          const admin = user.profile === 'Administrator' ? '<span class="badge">Admin</span>' : '';
          return `<label><input type="radio" name="user" value="${escapeHtml(`${user.org_id}|${user.email}`)}"${checked}> ${escapeHtml(fullName(user))} &lt;${escapeHtml(user.email)}&gt;${admin}</label>`;
        })
        .join('');
      return `<fieldset><legend>${escapeHtml(org.name)} · ${escapeHtml(org.dc.toUpperCase())} data centre</legend>${options}</fieldset>`;
    })
    .join('');
  const scopes = input.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zoho Accounts (sandbox) · Authorize</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><main>
<h1>${escapeHtml(input.clientName)} would like to access your Zoho CRM</h1>
<p class="sub">Zoho sandbox · choose who signs in, then accept or reject.</p>
<form method="post">${hidden}
${groups || '<p class="error">No users exist yet. Create an org with POST /sandbox/orgs.</p>'}
<p>It will be allowed to:</p><ul>${scopes}</ul>
<div class="actions"><button type="submit" name="approve" value="false">Reject</button>
<button type="submit" class="primary" name="approve" value="true">Accept</button></div>
</form></main></body></html>`;
}

export function accountsErrorPage(title: string, detail: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1 class="error">${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></main></body></html>`;
}
