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

export function page(input: { title: string; ok: boolean; paragraphs: string[]; steps?: { ok: boolean; text: string }[] }): string {
  const steps = input.steps?.length
    ? `<ul>${input.steps.map((step) => `<li class="${step.ok ? 'step-ok' : 'step-fail'}">${escapeHtml(step.text)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><main role="main"><h1 class="${input.ok ? 'ok' : 'fail'}">${escapeHtml(input.title)}</h1>
${input.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('')}${steps}
<p><button type="button" onclick="window.close()">Close this window</button></p></main></body></html>`;
}
