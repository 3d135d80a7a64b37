import { randomToken } from '../lib/token-cipher.js';

/** Small HTML pages the admin sees at the end of the OAuth dance (opened from the settings tab). */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f4f6f9; color: #1f2933; margin: 0; }
  main { max-width: 560px; margin: 48px auto; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); padding: 28px 32px; }
  h1 { font-size: 20px; margin: 0 0 12px; }
  h1.ok { color: #1a7f37; } h1.fail { color: #b42318; }
  p, li { font-size: 14px; line-height: 1.5; }
  ul { padding-left: 20px; }
  .step-ok::marker { content: "✓  "; color: #1a7f37; }
  .step-fail::marker { content: "✗  "; color: #b42318; }
  button { font-size: 14px; padding: 8px 18px; border-radius: 4px; border: 1px solid #0b6bcb; background: #0b6bcb; color: #fff; cursor: pointer; }
`;

export interface PageInput {
  title: string;
  ok: boolean;
  paragraphs: string[];
  steps?: { ok: boolean; text: string }[];
  /** A message for the window that opened this one (the settings tab), posted only to `origin`. */
  message?: { origin: string; data: unknown };
}

/** The page and the Content-Security-Policy it needs: its one style and one script run by nonce only. */
export function page(input: PageInput): { html: string; csp: string } {
  const nonce = randomToken(16);
  const steps = input.steps?.length
    ? `<ul>${input.steps.map((step) => `<li class="${step.ok ? 'step-ok' : 'step-fail'}">${escapeHtml(step.text)}</li>`).join('')}</ul>`
    : '';
  const post = input.message
    ? `if (window.opener) window.opener.postMessage(${JSON.stringify(input.message.data).replace(/</g, '\\u003c')}, ${JSON.stringify(input.message.origin)});`
    : '';
  const script = `${post}document.getElementById('close').addEventListener('click', function () { window.close(); });`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style nonce="${nonce}">${STYLE}</style></head>
<body><main role="main"><h1 class="${input.ok ? 'ok' : 'fail'}">${escapeHtml(input.title)}</h1>
${input.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('')}${steps}
<p><button type="button" id="close">Close this window</button></p></main>
<script nonce="${nonce}">${script}</script></body></html>`;
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  return { html, csp };
}
