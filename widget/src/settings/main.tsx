import { render } from 'preact';
import { loadZohoSdk } from '../host/load-sdk.js';
import { zohoHost } from '../host/zoho-host.js';

/** The settings web tab. It starts here; its views land with the rest of the widget work. */
async function start(root: HTMLElement): Promise<void> {
  await loadZohoSdk();
  const host = zohoHost({ tab: true });
  const user = await host.currentUser();
  render(<p>Signed in to Zoho CRM as {user.email}.</p>, root);
}

const root = document.getElementById('app')!;
start(root).catch((error: unknown) => {
  root.textContent = error instanceof Error ? error.message : String(error);
});
